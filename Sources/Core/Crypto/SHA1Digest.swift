import CLibCrypto

/// SHA-1 through OpenSSL's libcrypto. Used where a protocol fixes it (`Sec-WebSocket-Accept`,
/// RFC 6455 section 4.2.2), never for collision resistance.
public enum SHA1Digest {
    /// The 20-byte digest of `message`.
    public static func hash(_ message: some Collection<UInt8>) -> [UInt8] {
        let message = Array(message)
        var digest = [UInt8](repeating: 0, count: Int(SHA_DIGEST_LENGTH))
        message.withUnsafeBufferPointer { input in
            digest.withUnsafeMutableBufferPointer { output in
                _ = SHA1(input.baseAddress, input.count, output.baseAddress)
            }
        }
        return digest
    }

    /// The digest as 40 lower-case hex digits.
    public static func hex(_ message: some Collection<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(Int(SHA_DIGEST_LENGTH) * 2)
        for byte in self.hash(message) {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
