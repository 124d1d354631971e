/// A JSON string or number located in a document by ``JSONScanner``, not yet copied out.
///
/// It holds offsets only, so reading a field the caller does not need costs nothing; it is valid
/// with the bytes it was scanned from.
public struct JSONToken: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case string, number, bool, null
    }

    public let kind: Kind
    /// The string's contents without quotes (escapes still encoded), or the literal's text.
    public let range: Range<Int>
    /// Whether the string holds backslash escapes (then ``string(in:)`` decodes them).
    public let hasEscapes: Bool

    /// Whether the token's bytes are exactly `literal` (ASCII, no escapes involved).
    public func equals(_ literal: StaticString, in bytes: UnsafeRawBufferPointer) -> Bool {
        guard !self.hasEscapes, self.range.count == literal.utf8CodeUnitCount else { return false }
        let start = literal.utf8Start
        var offset = 0
        while offset < self.range.count {
            if bytes[self.range.lowerBound + offset] != start[offset] { return false }
            offset += 1
        }
        return true
    }

    /// A non-negative integer written as a JSON number (`4`) or as a string of digits (`"4"`), as
    /// providers do; `nil` for anything else or on overflow.
    public func integer(in bytes: UnsafeRawBufferPointer) -> Int? {
        guard self.kind == .string || self.kind == .number, !self.hasEscapes, !self.range.isEmpty,
            self.range.count <= 18
        else { return nil }
        var value = 0
        for index in self.range {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + Int(digit)
        }
        return value
    }

    /// The token as a Swift string, escapes decoded. Allocates: for values kept beyond the message.
    public func string(in bytes: UnsafeRawBufferPointer) -> String {
        if !self.hasEscapes {
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[self.range]), as: UTF8.self)
        }
        return String(decoding: self.unescapedBytes(in: bytes), as: UTF8.self)
    }

    /// The string's bytes with escapes decoded (`\/` -> `/`, `\u00e9` -> UTF-8). The scanner has
    /// already checked every escape, so this cannot fail.
    public func unescapedBytes(in bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(self.range.count)
        var index = self.range.lowerBound
        var pendingHighSurrogate: UInt32?
        while index < self.range.upperBound {
            let byte = bytes[index]
            // A high surrogate not followed by a `\u` escape is lone: it becomes U+FFFD too.
            if pendingHighSurrogate != nil, byte != UInt8(ascii: "\\") || bytes[index + 1] != UInt8(ascii: "u") {
                output.append(contentsOf: Self.replacementCharacter)
                pendingHighSurrogate = nil
            }
            guard byte == UInt8(ascii: "\\") else {
                output.append(byte)
                index += 1
                continue
            }
            let escape = bytes[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                var unit: UInt32 = 0
                for offset in 0..<4 { unit = unit << 4 | UInt32(JSONScanner.hexValue(bytes[index + offset])) }
                index += 4
                if (0xD800..<0xDC00).contains(unit) {
                    if pendingHighSurrogate != nil { output.append(contentsOf: Self.replacementCharacter) }
                    pendingHighSurrogate = unit
                    continue
                }
                var scalarValue = unit
                if let high = pendingHighSurrogate {
                    if (0xDC00..<0xE000).contains(unit) {
                        scalarValue = 0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00)
                    } else {
                        output.append(contentsOf: Self.replacementCharacter)
                    }
                }
                pendingHighSurrogate = nil
                // A lone surrogate cannot be UTF-8: it becomes U+FFFD, as JSON parsers commonly do.
                let scalar = Unicode.Scalar(scalarValue) ?? "\u{FFFD}"
                output.append(contentsOf: String(Character(scalar)).utf8)
            default: output.append(escape)  // \" \\ \/
            }
        }
        if pendingHighSurrogate != nil { output.append(contentsOf: Self.replacementCharacter) }
        return output
    }

    /// U+FFFD in UTF-8.
    private static let replacementCharacter: [UInt8] = [0xEF, 0xBF, 0xBD]
}
