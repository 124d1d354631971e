/// Why and how a connection ended, as its session is told.
public struct WebSocketCloseInfo: Sendable, Hashable {
    /// Who started the close.
    public enum Initiator: String, Sendable, Hashable {
        /// The peer sent a close frame.
        case peer
        /// The server closed (protocol error, limit, idle, shutdown, or the session asked).
        case server
        /// TCP ended without a closing handshake (peer vanished, or did not answer a ping).
        case transport
    }

    /// The close code exchanged, if any.
    public var code: WebSocketCloseCode?
    public var initiator: Initiator
}

/// The application logic of one WebSocket connection.
///
/// Every method runs on the connection's event loop, in order, and must not block: a session that
/// has slow work hands it to its own bounded queue off the loop, or pauses receiving.
public protocol WebSocketSession: AnyObject {
    /// The connection is open; `connection` stays valid until ``closed(_:)``.
    func opened(_ connection: WebSocketConnection)
    /// A complete data message arrived.
    func received(_ message: WebSocketMessage, on connection: WebSocketConnection)
    /// The connection is gone; release what the session holds.
    func closed(_ info: WebSocketCloseInfo)
}

extension WebSocketSession {
    public func opened(_ connection: WebSocketConnection) {}
    public func closed(_ info: WebSocketCloseInfo) {}
}
