/// File names built from what a provider sends (call ids, prompt names). Only ASCII letters,
/// digits and a few punctuation marks pass, so a hostile value can never name a path outside the
/// directory it is joined to.
enum SafeFileName {
    /// Whether `scalar` may appear in a file name: `A-Z`, `a-z`, `0-9` and any of `extra`.
    static func isAllowed(_ scalar: Unicode.Scalar, extra: String = "_-") -> Bool {
        switch scalar.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        default: extra.unicodeScalars.contains(scalar)
        }
    }

    /// `value` with every other character replaced by `_`, cut to `limit` characters.
    static func sanitised(_ value: String, limit: Int = 64) -> String {
        let kept = value.unicodeScalars.prefix(limit).map { self.isAllowed($0) ? Character($0) : "_" }
        return kept.isEmpty ? "unknown" : String(kept)
    }
}
