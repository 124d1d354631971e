import Core

/// The secret a client proves its session with on its live socket: 32 random bytes, base64url.
/// Only its SHA-1 is stored (preimage resistance is what a random 256-bit secret needs; collision
/// resistance does not matter here), so a copy of the store does not let anyone in.
enum SessionToken {
    static func make() -> (token: String, hash: String) {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let token = Base64URL.encode(bytes)
        return (token, self.hash(token))
    }

    static func hash(_ token: String) -> String {
        SHA1Digest.hex(Array(token.utf8))
    }
}
