public import Core

/// Resource ids: a type prefix and 26 characters of Crockford base32 (48 bits of milliseconds,
/// then 80 random bits, as in ULID), so ids sort by creation time, never collide in practice, and
/// say what they name (`tkt_01JF...`).
public enum ResourceID {
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    public static func make(_ prefix: String, at time: Timestamp = .now()) -> String {
        var generator = SystemRandomNumberGenerator()
        let milliseconds = UInt64(max(0, time.microseconds / 1000)) & 0xFFFF_FFFF_FFFF
        let randomHigh = UInt64(generator.next() as UInt16)
        let randomLow: UInt64 = generator.next()
        var characters: [UInt8] = []
        characters.reserveCapacity(26)
        // 10 characters of time (50 bits, the top two zero), then 16 of randomness (80 bits).
        for shift in stride(from: 45, through: 0, by: -5) {
            characters.append(Self.alphabet[Int((milliseconds >> UInt64(shift)) & 31)])
        }
        for shift in stride(from: 75, through: 0, by: -5) {
            let value: UInt64
            if shift >= 64 {
                value = randomHigh >> UInt64(shift - 64)
            } else if shift > 59 {
                value = (randomHigh << UInt64(64 - shift)) | (randomLow >> UInt64(shift))
            } else {
                value = randomLow >> UInt64(shift)
            }
            characters.append(Self.alphabet[Int(value & 31)])
        }
        return prefix + "_" + String(decoding: characters, as: UTF8.self)
    }

    /// Whether `text` could be an id with this prefix; lets routes answer 404 without a query.
    public static func isWellFormed(_ text: String, prefix: String) -> Bool {
        let bytes = Array(text.utf8)
        let head = Array((prefix + "_").utf8)
        guard bytes.count == head.count + 26, bytes.starts(with: head) else { return false }
        return bytes[head.count...].allSatisfy { Self.alphabet.contains($0) }
    }
}
