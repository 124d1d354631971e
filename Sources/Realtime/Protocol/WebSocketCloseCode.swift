/// A WebSocket close status code (RFC 6455 section 7.4), including the application range 4000-4999.
public struct WebSocketCloseCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16

    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    public static let normalClosure = Self(rawValue: 1000)
    public static let goingAway = Self(rawValue: 1001)
    public static let protocolError = Self(rawValue: 1002)
    public static let unsupportedData = Self(rawValue: 1003)
    public static let invalidPayload = Self(rawValue: 1007)
    public static let policyViolation = Self(rawValue: 1008)
    public static let messageTooBig = Self(rawValue: 1009)
    public static let internalError = Self(rawValue: 1011)
    public static let tryAgainLater = Self(rawValue: 1013)
    /// Switchboard's own: the client read too slowly and its queue overflowed; reconnect and replay.
    public static let slowConsumer = Self(rawValue: 4008)

    /// Whether a peer may send this code in a close frame. 1004-1006 and 1015 are reserved for
    /// local use, 1016-2999 are unassigned or reserved for extensions, 0-999 and 5000+ are invalid.
    public var isValidOnTheWire: Bool {
        switch self.rawValue {
        case 1000...1003, 1007...1014: return true
        case 3000...4999: return true
        default: return false
        }
    }

    public var description: String { String(self.rawValue) }
}
