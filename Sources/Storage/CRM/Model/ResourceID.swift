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
    /// Allocation-free: the heartbeat fast path asks on every beat.
    public static func isWellFormed(_ text: String, prefix: String) -> Bool {
        var text = text
        return text.withUTF8 { Self.isWellFormed(utf8: UnsafeRawBufferPointer($0), prefix: prefix) }
    }

    /// Whether the UTF-8 `bytes` could be an id with this prefix: lets the heartbeat fast path check
    /// a request's bytes before it makes a string of them.
    public static func isWellFormed(utf8 bytes: UnsafeRawBufferPointer, prefix: String) -> Bool {
        var prefix = prefix
        return prefix.withUTF8 { prefix in
            guard bytes.count == prefix.count + 27, bytes.starts(with: prefix),
                bytes[prefix.count] == UInt8(ascii: "_")
            else { return false }
            return bytes[(prefix.count + 1)...].allSatisfy(Self.isAlphabetByte)
        }
    }

    /// Crockford base32: digits and capitals without I, L, O and U.
    private static func isAlphabetByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): true
        case UInt8(ascii: "I"), UInt8(ascii: "L"), UInt8(ascii: "O"), UInt8(ascii: "U"): false
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): true
        default: false
        }
    }
}
