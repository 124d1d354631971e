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
}
