/// A 4-bit WebSocket opcode, including the reserved values RFC 6455 forbids, so tests can send them.
public struct RawOpcode: RawRepresentable, Hashable, Sendable, ExpressibleByIntegerLiteral,
    CustomStringConvertible
{
    /// The opcode in the low four bits.
    public let rawValue: UInt8

    /// Creates an opcode; values above 15 do not fit the frame header and trap.
    public init(rawValue: UInt8) {
        precondition(rawValue < 16, "a WebSocket opcode has 4 bits")
        self.rawValue = rawValue
    }

    /// Creates an opcode from a literal such as `3`.
    public init(integerLiteral value: UInt8) { self.init(rawValue: value) }

    /// 0x0: continues a fragmented message.
    public static let continuation: Self = 0x0
    /// 0x1: UTF-8 text.
    public static let text: Self = 0x1
    /// 0x2: binary data.
    public static let binary: Self = 0x2
    /// 0x8: connection close.
    public static let close: Self = 0x8
    /// 0x9: ping.
    public static let ping: Self = 0x9
    /// 0xA: pong.
    public static let pong: Self = 0xA

    /// Control frames have the high bit of the opcode set (0x8-0xF).
    public var isControl: Bool { rawValue & 0x8 != 0 }

    /// Opcodes RFC 6455 leaves undefined (0x3-0x7 and 0xB-0xF).
    public var isReserved: Bool { (0x3...0x7).contains(rawValue) || rawValue >= 0xB }

    public var description: String {
        switch rawValue {
        case 0x0: "continuation"
        case 0x1: "text"
        case 0x2: "binary"
        case 0x8: "close"
        case 0x9: "ping"
        case 0xA: "pong"
        default: "reserved(\(rawValue))"
        }
    }
}
