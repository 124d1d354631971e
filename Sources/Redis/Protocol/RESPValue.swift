/// One reply from Redis, in the shapes RESP2 has.
public enum RESPValue: Sendable, Hashable {
    /// A simple string (`+OK`).
    case status(String)
    /// An error reply (`-ERR ...`); ``RedisClient/send(_:)`` throws it, ``RedisClient/pipeline(_:)`` returns it.
    case error(String)
    case integer(Int64)
    /// A bulk string: arbitrary bytes.
    case bulk([UInt8])
    /// A nil bulk string or nil array.
    case null
    case array([RESPValue])

    /// A status or a bulk string, decoded as UTF-8 (invalid sequences repaired); `nil` for anything else.
    public var string: String? {
        switch self {
        case .status(let text): return text
        case .bulk(let bytes): return String(decoding: bytes, as: UTF8.self)
        default: return nil
        }
    }

    /// The value of an integer reply; `nil` for anything else.
    public var integer: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// The elements of an array reply; `nil` for anything else, including a nil array.
    public var array: [RESPValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }
}
