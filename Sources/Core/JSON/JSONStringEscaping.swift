public import NIOCore

extension ByteBuffer {
    /// Writes `string` as the inside of a JSON string literal (no quotes): `"`, `\` and control
    /// characters escaped, everything else as UTF-8. Provider-supplied ids go through here before
    /// they are echoed back in JSON.
    @discardableResult
    public mutating func writeJSONEscaped(_ string: String) -> Int {
        // Most text needs no escape: one copy instead of a write per byte.
        if !string.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            return self.writeString(string)
        }
        let start = self.writerIndex
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): self.writeStaticString("\\\"")
            case UInt8(ascii: "\\"): self.writeStaticString("\\\\")
            case 0x0A: self.writeStaticString("\\n")
            case 0x0D: self.writeStaticString("\\r")
            case 0x09: self.writeStaticString("\\t")
            case 0..<0x20:
                self.writeStaticString("\\u00")
                self.writeInteger(Self.hexDigit(byte >> 4))
                self.writeInteger(Self.hexDigit(byte & 0x0F))
            default: self.writeInteger(byte)
            }
        }
        return self.writerIndex - start
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }
}
