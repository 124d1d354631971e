/// A value bound to a statement parameter or read from a result column. Both backends speak these
/// five kinds; richer types (timestamps, enums, lists) are encoded by the code that owns them.
public enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

extension SQLValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(nilLiteral: ()) { self = .null }
}

extension SQLValue {
    /// `.text` or `.null`.
    public init(_ text: String?) { self = text.map(SQLValue.text) ?? .null }
    /// `.integer` or `.null`.
    public init(_ integer: Int64?) { self = integer.map(SQLValue.integer) ?? .null }
    public init(_ integer: Int) { self = .integer(Int64(integer)) }
    public init(_ bool: Bool) { self = .integer(bool ? 1 : 0) }
}
