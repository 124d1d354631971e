/// Incremental UTF-8 validation (Unicode table 3-7, well-formed byte sequences), fed one chunk at
/// a time so that a text message split across frames fails as soon as a bad byte arrives, not when
/// the message ends.
///
/// It rejects overlong forms, surrogates (U+D800-U+DFFF) and code points above U+10FFFF.
public struct UTF8Validator: Sendable, Hashable {
    /// Continuation bytes still expected for the current scalar.
    private var remaining: UInt8 = 0
    /// Allowed range of the *next* continuation byte (tighter than 80-BF right after E0, ED, F0, F4).
    private var lower: UInt8 = 0x80
    private var upper: UInt8 = 0xBF

    public init() {}

    /// Whether the bytes so far end on a scalar boundary: a message may end here.
    public var isComplete: Bool { self.remaining == 0 }

    /// Feeds `bytes`; returns `false` at the first byte that cannot be part of valid UTF-8.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        let count = bytes.count
        while index < count {
            if self.remaining == 0 {
                // ASCII fast path, eight bytes at a time, when aligned reads are possible.
                while index + 8 <= count {
                    let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    if word & 0x8080_8080_8080_8080 != 0 { break }
                    index += 8
                }
                guard index < count else { return true }
                let byte = bytes[index]
                index += 1
                switch byte {
                case 0x00...0x7F: continue
                case 0xC2...0xDF: self.expect(1, 0x80, 0xBF)
                case 0xE0: self.expect(2, 0xA0, 0xBF)
                case 0xE1...0xEC, 0xEE...0xEF: self.expect(2, 0x80, 0xBF)
                case 0xED: self.expect(2, 0x80, 0x9F)
                case 0xF0: self.expect(3, 0x90, 0xBF)
                case 0xF1...0xF3: self.expect(3, 0x80, 0xBF)
                case 0xF4: self.expect(3, 0x80, 0x8F)
                default: return false
                }
            } else {
                let byte = bytes[index]
                index += 1
                guard byte >= self.lower && byte <= self.upper else { return false }
                self.remaining -= 1
                self.lower = 0x80
                self.upper = 0xBF
            }
        }
        return true
    }

    /// Convenience for arrays and other contiguous byte collections.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> Bool {
        let result = bytes.withContiguousStorageIfAvailable { buffer in
            self.feed(UnsafeRawBufferPointer(buffer))
        }
        if let result { return result }
        let copy = Array(bytes)
        return copy.withUnsafeBytes { self.feed($0) }
    }

    /// Validates a whole message at once.
    public static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var validator = UTF8Validator()
        return validator.feed(bytes) && validator.isComplete
    }

    private mutating func expect(_ remaining: UInt8, _ lower: UInt8, _ upper: UInt8) {
        self.remaining = remaining
        self.lower = lower
        self.upper = upper
    }
}
