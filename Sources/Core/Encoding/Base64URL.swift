/// Unpadded base64url (RFC 4648 section 5): page cursors in query strings, generated API keys that
/// survive URLs, shells and `API_KEYS` unquoted. (Media's `Base64` is the padded standard alphabet
/// of provider payloads, on the hot path.)
public enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var value: UInt32 = 0
            for (offset, byte) in chunk.enumerated() { value |= UInt32(byte) << (16 - 8 * offset) }
            for position in 0...chunk.count {
                output.append(Self.alphabet[Int((value >> (18 - 6 * position)) & 63)])
            }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// `nil` for a character outside the alphabet or a dangling partial byte.
    public static func decode(_ text: String) -> [UInt8]? {
        var output: [UInt8] = []
        var value: UInt32 = 0
        var bits = 0
        for byte in text.utf8 {
            guard let digit = Self.alphabet.firstIndex(of: byte) else { return nil }
            value = (value << 6) | UInt32(digit)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8((value >> UInt32(bits)) & 0xFF))
            }
        }
        return bits >= 6 ? nil : output
    }
}
