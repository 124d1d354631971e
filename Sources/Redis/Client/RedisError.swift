/// What went wrong with a Redis command.
///
/// Callers mostly ask one question, ``isUnavailable``: Redis could not answer (it is down, frozen,
/// overloaded or the connection broke), so degrade or retry later. ``replyMessage`` is set when
/// Redis did answer, with an error reply.
///
/// Two errors are equal when they are of the same ``kind`` and carry the same ``replyMessage``; the
/// free-text ``message`` is for logs and is not compared, so `error == .timeout` works (for error
/// replies, test `error.kind == .reply`).
/// Descriptions never contain a password or a command's arguments.
public struct RedisError: Error, CustomStringConvertible, Sendable, Hashable {
    /// A kind of failure; extensible without breaking callers.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Code: Sendable, Hashable {
            case unavailable, timeout, connectionClosed, protocolError, overloaded, reply, invalidCommand
        }

        private let code: Code

        private init(_ code: Code) {
            self.code = code
        }

        /// No connection is up: Redis is down or unreachable, or the client is not running.
        public static let unavailable = Kind(.unavailable)
        /// Redis did not answer within the command timeout; that connection is closed and re-established.
        public static let timeout = Kind(.timeout)
        /// The connection closed before the reply came.
        public static let connectionClosed = Kind(.connectionClosed)
        /// Redis sent bytes that are not RESP; that connection is closed.
        public static let protocolError = Kind(.protocolError)
        /// Too many commands are already waiting for replies on the connection.
        public static let overloaded = Kind(.overloaded)
        /// Redis answered with an error reply (``RedisError/replyMessage``).
        public static let reply = Kind(.reply)
        /// The command cannot be sent this way (empty, or one that needs a dedicated connection).
        public static let invalidCommand = Kind(.invalidCommand)

        public var description: String {
            switch self.code {
            case .unavailable: return "unavailable"
            case .timeout: return "timeout"
            case .connectionClosed: return "connectionClosed"
            case .protocolError: return "protocolError"
            case .overloaded: return "overloaded"
            case .reply: return "reply"
            case .invalidCommand: return "invalidCommand"
            }
        }
    }

    public let kind: Kind
    /// The server's error text (`"WRONGTYPE Operation against a key ..."`) for an error reply, else `nil`.
    public let replyMessage: String?
    /// What happened, for logs.
    public let message: String
    public let file: String
    public let line: Int

    init(_ kind: Kind, _ message: String, replyMessage: String? = nil, file: String = #fileID, line: Int = #line) {
        self.kind = kind
        self.message = message
        self.replyMessage = replyMessage
        self.file = file
        self.line = line
    }

    /// An error reply from the server.
    static func replied(_ text: String, file: String = #fileID, line: Int = #line) -> RedisError {
        RedisError(.reply, "Redis answered with an error", replyMessage: text, file: file, line: line)
    }

    public static let unavailable = RedisError(.unavailable, "Redis is unavailable")
    public static let timeout = RedisError(.timeout, "Redis did not answer in time")
    public static let connectionClosed = RedisError(.connectionClosed, "the Redis connection closed")
    public static let protocolError = RedisError(.protocolError, "Redis sent something that is not RESP")
    public static let overloaded = RedisError(.overloaded, "too many Redis commands in flight")
    public static let invalidCommand = RedisError(.invalidCommand, "the command cannot be sent")
    /// Any error reply; compares equal only to one without a ``replyMessage``, so match real ones by ``kind``.
    public static let reply = RedisError(.reply, "Redis answered with an error")

    /// Redis could not answer: ``Kind/unavailable``, ``Kind/timeout``, ``Kind/connectionClosed`` or
    /// ``Kind/overloaded``. Whether the command ran is unknown for a timeout or a closed connection.
    public var isUnavailable: Bool {
        self.kind == .unavailable || self.kind == .timeout || self.kind == .connectionClosed
            || self.kind == .overloaded
    }

    public var description: String {
        var text = "RedisError(\(self.kind)): \(self.message)"
        if let reply = self.replyMessage { text += ": \(reply)" }
        return text
    }

    public static func == (lhs: RedisError, rhs: RedisError) -> Bool {
        lhs.kind == rhs.kind && lhs.replyMessage == rhs.replyMessage
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.kind)
        hasher.combine(self.replyMessage)
    }
}
