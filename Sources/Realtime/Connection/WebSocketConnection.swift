public import Logging
public import NIOCore

/// A session's handle on its connection. Use it only on ``eventLoop``; to reach the connection from
/// elsewhere, hop there first (`eventLoop.execute`), as NIO requires.
public struct WebSocketConnection {
    let handler: WebSocketConnectionHandler

    /// The loop every call on this connection must run on.
    public var eventLoop: any EventLoop { self.handler.eventLoop }

    /// The upgrade request that opened the connection.
    public var request: WebSocketUpgradeRequest { self.handler.request }

    /// A logger carrying the connection's metadata.
    public var logger: Logger { self.handler.logger }

    /// Sends a message, through the outbound queue when the socket cannot take it now.
    /// - Parameter isEssential: essential messages are never dropped by the queue's policy.
    /// - Returns: `false` when the connection is closing and the message was discarded.
    @discardableResult
    public func send(_ message: WebSocketMessage, isEssential: Bool = false) -> Bool {
        self.handler.send(message, isEssential: isEssential)
    }

    /// Allocates buffers for messages to send.
    public var allocator: ByteBufferAllocator { self.handler.allocator }

    /// Drops every droppable message still waiting in the outbound queue (audio before a media
    /// `clear`); essential ones stay. Returns how many went. They are not counted as drops.
    @discardableResult
    public func discardQueuedDroppable() -> Int {
        self.handler.discardQueuedDroppable()
    }

    /// Starts the closing handshake; the session hears ``WebSocketSession/closed(_:)`` when it is done.
    public func close(_ code: WebSocketCloseCode = .normalClosure, reason: String = "") {
        self.handler.close(code, reason: reason)
    }

    /// Stops delivering messages; they wait in the inbound queue (whose policy applies) until
    /// ``resumeReceiving()``.
    public func pauseReceiving() {
        self.handler.pauseReceiving()
    }

    public func resumeReceiving() {
        self.handler.resumeReceiving()
    }

    /// Figures about this connection's queues.
    public var queueStatistics: WebSocketQueueStatistics { self.handler.queueStatistics }
}

/// Per-connection queue figures.
public struct WebSocketQueueStatistics: Sendable, Hashable {
    public var inboundDepth: Int
    public var inboundHighWaterMark: Int
    public var inboundDropped: Int
    public var outboundDepth: Int
    public var outboundHighWaterMark: Int
    public var outboundDropped: Int
}
