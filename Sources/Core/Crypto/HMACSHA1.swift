import CLibCrypto

/// HMAC-SHA1 (RFC 2104) through OpenSSL's libcrypto, for provider webhook and stream signatures.
public enum HMACSHA1 {
    /// The 20-byte authentication code of `message` under `key`.
    public static func authenticationCode(key: some Collection<UInt8>, message: some Collection<UInt8>) -> [UInt8] {
        let key = Array(key)
        let message = Array(message)
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = key.withUnsafeBufferPointer { keyBytes in
            message.withUnsafeBufferPointer { messageBytes in
                output.withUnsafeMutableBufferPointer { outputBytes in
                    HMAC(
                        EVP_sha1(), keyBytes.baseAddress, Int32(keyBytes.count), messageBytes.baseAddress,
                        messageBytes.count, outputBytes.baseAddress, &length) != nil
                }
            }
        }
        // HMAC only fails when OpenSSL cannot allocate; there is no answer to give then.
        precondition(ok, "OpenSSL HMAC failed")
        return Array(output.prefix(Int(length)))
    }
}

/// Compares two byte strings in time that depends on their length only, never on where they
/// differ, so a forger learns nothing from how fast a guess is refused.
public func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
    guard lhs.count == rhs.count else { return false }
    guard !lhs.isEmpty else { return true }
    return lhs.withUnsafeBytes { left in
        rhs.withUnsafeBytes { right in
            CRYPTO_memcmp(left.baseAddress, right.baseAddress, left.count) == 0
        }
    }
}
