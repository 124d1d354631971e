import NIOCore

@testable import Realtime

/// A session that writes down everything the handler tells it, and runs the test's script.
final class RecordingSession: WebSocketSession {
    private(set) var connection: WebSocketConnection?
    private(set) var openedCount = 0
    private(set) var received: [WebSocketMessage] = []
    private(set) var closes: [WebSocketCloseInfo] = []
    /// Runs on `opened`, after it is recorded.
    var onOpen: ((WebSocketConnection) -> Void)?
    /// Runs on each message, after it is recorded.
    var onReceive: ((WebSocketMessage, WebSocketConnection) -> Void)?

    func opened(_ connection: WebSocketConnection) {
        self.openedCount += 1
        self.connection = connection
        self.onOpen?(connection)
    }

    func received(_ message: WebSocketMessage, on connection: WebSocketConnection) {
        self.received.append(message)
        self.onReceive?(message, connection)
    }

    func closed(_ info: WebSocketCloseInfo) {
        self.closes.append(info)
    }

    /// Texts received so far, for compact expectations.
    var receivedTexts: [String] {
        self.received.map { String(buffer: $0.payload) }
    }
}

/// Echoes like `EchoSession` and records like `RecordingSession`.
final class RecordingEchoSession: WebSocketSession {
    private(set) var closes: [WebSocketCloseInfo] = []

    func received(_ message: WebSocketMessage, on connection: WebSocketConnection) {
        connection.send(message)
    }

    func closed(_ info: WebSocketCloseInfo) {
        self.closes.append(info)
    }
}
