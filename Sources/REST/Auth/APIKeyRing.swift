public import Core

/// The configured API keys, looked up by the key a request presents.
///
/// Lookup compares the presented key with every configured key, whether or not an earlier one
/// matched, and compares fixed-length MACs rather than the keys themselves: how long a refusal
/// takes then tells a guesser neither how much of a key was right nor how long the keys are.
public struct APIKeyRing: Sendable {
    private struct Entry: Sendable {
        var mac: [UInt8]
        var caller: Caller
    }

    private let entries: [Entry]
    /// A per-process secret so that the MACs compared are unpredictable to a guesser; it never leaves
    /// this value and need not survive a restart.
    private let macKey: [UInt8]

    /// - Parameter grants: `API_KEYS`; when a key is listed twice, its first grant wins.
    public init(grants: [APIKeyGrant]) {
        var generator = SystemRandomNumberGenerator()
        let macKey = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        self.macKey = macKey
        self.entries = grants.map { grant in
            Entry(
                mac: HMACSHA1.authenticationCode(key: macKey, message: Array(grant.key.utf8)),
                caller: Caller(keyID: Self.keyID(for: grant.key), role: grant.role)
            )
        }
    }

    /// How many keys the ring holds.
    public var count: Int { self.entries.count }

    /// The caller `presentedKey` authenticates, or `nil` when it is no configured key.
    public func caller(for presentedKey: String) -> Caller? {
        let presented = HMACSHA1.authenticationCode(key: self.macKey, message: Array(presentedKey.utf8))
        var found: Caller?
        for entry in self.entries {
            // The comparison runs for every entry: only the assignment depends on the outcome.
            let matches = constantTimeEquals(entry.mac, presented)
            if matches && found == nil {
                found = entry.caller
            }
        }
        return found
    }

    /// The audit log's stable, non-secret name for `key`: `key_` and the first 12 hex digits of its
    /// SHA-1. Six bytes of a digest say nothing usable about a 32-byte random key, yet collide only
    /// among millions of keys.
    public static func keyID(for key: String) -> String {
        "key_" + SHA1Digest.hex(Array(key.utf8)).prefix(12)
    }
}
