import SwitchboardTestSupport
import Testing

@testable import Realtime

/// Whole-message verdict: every byte accepted and the last scalar finished.
private func validatorAccepts(_ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBytes { UTF8Validator.isValid($0) }
}

/// The same bytes fed one at a time, as a message split into one-byte fragments would arrive.
private func validatorAcceptsByteByByte(_ bytes: [UInt8]) -> Bool {
    var validator = UTF8Validator()
    for byte in bytes {
        guard validator.feed([byte]) else { return false }
    }
    return validator.isComplete
}

/// The standard library's own UTF-8 parser, the reference for the exhaustive checks. (`transcode`
/// rather than `String(validating:)`, which allocates and is 10x slower in the test process.)
private func swiftAccepts(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    let sawErrors = transcode(bytes.makeIterator(), from: UTF8.self, to: UTF32.self, stoppingOnError: true) { _ in }
    return !sawErrors
}

@Suite("UTF8Validator")
struct UTF8ValidatorTests {
    static let valid: [(String, [UInt8])] = [
        ("empty", []),
        ("ASCII", Array("Hello, WebSocket! 0123456789 ~".utf8)),
        ("two-byte", [0xC2, 0x80, 0xC3, 0xA9, 0xDF, 0xBF]),
        ("three-byte", [0xE0, 0xA0, 0x80, 0xE2, 0x82, 0xAC, 0xED, 0x9F, 0xBF, 0xEE, 0x80, 0x80]),
        ("U+FFFD", [0xEF, 0xBF, 0xBD]),
        ("U+FFFF", [0xEF, 0xBF, 0xBF]),
        ("four-byte", [0xF0, 0x90, 0x80, 0x80, 0xF0, 0x9F, 0x98, 0x80, 0xF3, 0xBF, 0xBF, 0xBF]),
        ("U+10FFFF", [0xF4, 0x8F, 0xBF, 0xBF]),
        ("mixed text", Array("κόσμε ✓ 漢字 😀 end".utf8)),
        ("NUL", [0x00]),
    ]

    static let invalid: [(String, [UInt8])] = [
        ("overlong NUL C0 80", [0xC0, 0x80]),
        ("overlong C1 BF", [0xC1, 0xBF]),
        ("overlong E0 80 80", [0xE0, 0x80, 0x80]),
        ("overlong E0 9F BF", [0xE0, 0x9F, 0xBF]),
        ("overlong F0 80 80 80", [0xF0, 0x80, 0x80, 0x80]),
        ("overlong F0 8F BF BF", [0xF0, 0x8F, 0xBF, 0xBF]),
        ("surrogate ED A0 80", [0xED, 0xA0, 0x80]),
        ("surrogate ED BF BF", [0xED, 0xBF, 0xBF]),
        ("above U+10FFFF F4 90 80 80", [0xF4, 0x90, 0x80, 0x80]),
        ("F5", [0xF5, 0x80, 0x80, 0x80]),
        ("F8", [0xF8, 0x88, 0x80, 0x80, 0x80]),
        ("FE", [0xFE]),
        ("FF", [0xFF]),
        ("lone continuation", [0x80]),
        ("continuation after ASCII", Array("abc".utf8) + [0xBF]),
        ("too many continuations", [0xC3, 0xA9, 0xA9]),
        ("lead byte interrupted", [0xE2, 0x82, 0x41]),
        (
            "invalid after a long ASCII run",
            Array(repeating: 0x61, count: 37) + [0xFF] + Array(repeating: 0x61, count: 9)
        ),
    ]

    static let truncated: [(String, [UInt8])] = [
        ("two-byte lead", [0xC3]),
        ("three-byte, one continuation", [0xE2, 0x82]),
        ("four-byte, two continuations", [0xF0, 0x9F, 0x98]),
        ("ASCII then lead", Array("hello".utf8) + [0xF4]),
    ]

    @Test(arguments: valid)
    func acceptsValidText(name: String, bytes: [UInt8]) {
        #expect(validatorAccepts(bytes), "\(name)")
        #expect(validatorAcceptsByteByByte(bytes), "\(name)")
    }

    @Test(arguments: invalid)
    func rejectsInvalidText(name: String, bytes: [UInt8]) {
        var validator = UTF8Validator()
        #expect(validator.feed(bytes) == false, "\(name)")
        #expect(!validatorAcceptsByteByByte(bytes), "\(name)")
    }

    @Test(arguments: truncated)
    func aTruncatedScalarIsAcceptedButIncomplete(name: String, bytes: [UInt8]) {
        var validator = UTF8Validator()
        #expect(validator.feed(bytes) == true, "\(name)")
        #expect(!validator.isComplete, "\(name)")
        #expect(!validatorAccepts(bytes), "\(name)")
    }

    @Test func rejectsAtTheFirstBadByte() {
        // A split message must fail on the fragment that holds the bad byte, not at the end.
        var validator = UTF8Validator()
        #expect(validator.feed(Array("héllo ".utf8)) == true)
        #expect(validator.isComplete)
        #expect(validator.feed([0xE2]) == true)
        #expect(validator.feed([0x28]) == false)
    }

    @Test func aScalarMaySpanChunks() {
        var validator = UTF8Validator()
        for chunk: [UInt8] in [[0xF0], [0x9F, 0x98], [0x80, 0x41]] {
            #expect(validator.feed(chunk) == true)
        }
        #expect(validator.isComplete)
    }

    @Test func theASCIIFastPathSeesBadBytesAtEveryOffset() {
        // The eight-byte fast path must not skip a non-ASCII byte wherever it sits in the word.
        for length in 1...24 {
            for position in 0..<length {
                var bytes = [UInt8](repeating: 0x41, count: length)
                bytes[position] = 0x80
                #expect(!validatorAccepts(bytes), "length \(length), bad byte at \(position)")
                bytes[position] = 0xC3
                if position + 1 < length { bytes[position + 1] = 0xA9 }
                #expect(validatorAccepts(bytes) == (position + 1 < length), "length \(length), é at \(position)")
            }
        }
    }

    @Test func feedingByteByByteGivesTheSameVerdictAsWhole() {
        var random = SplitMix64(seed: 0x5EED)
        let alphabet: [UInt8] = [
            0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF,
        ]
        for _ in 0..<5000 {
            let length = Int.random(in: 0...12, using: &random)
            let bytes = (0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &random)] }
            let whole = validatorAccepts(bytes)
            let reference = bytes.withUnsafeBufferPointer(swiftAccepts)
            #expect(whole == reference, "\(bytes)")
            #expect(validatorAcceptsByteByByte(bytes) == whole, "\(bytes)")
        }
    }

    @Test func everyOneAndTwoByteSequenceMatchesTheStandardLibrary() {
        var mismatches: [[UInt8]] = []
        var bytes: [UInt8] = [0, 0]
        for first in 0...255 {
            let single = [UInt8(first)]
            if validatorAccepts(single) != single.withUnsafeBufferPointer(swiftAccepts) { mismatches.append(single) }
            bytes[0] = UInt8(first)
            for second in 0...255 {
                bytes[1] = UInt8(second)
                let ours = bytes.withUnsafeBytes { UTF8Validator.isValid($0) }
                let reference = bytes.withUnsafeBufferPointer(swiftAccepts)
                if ours != reference { mismatches.append(bytes) }
            }
        }
        #expect(mismatches.isEmpty, "first mismatches: \(mismatches.prefix(5))")
    }

    /// Every lead byte that starts a three-byte scalar, with every pair of following bytes: 1M cases,
    /// the ones where the tighter second-byte ranges (E0, ED) matter; other lead bytes are covered
    /// by the two-byte sweep. Each two-byte prefix is fed once and its state copied for the third
    /// byte, as a message split after its second byte would be: a debug build is too slow to
    /// validate a million messages from scratch.
    @Test func everyThreeByteSequenceMatchesTheStandardLibrary() {
        var mismatches: [[UInt8]] = []
        var bytes: [UInt8] = [0, 0, 0]
        bytes.withUnsafeMutableBufferPointer { buffer in
            let typed = UnsafeBufferPointer(buffer)
            let prefix = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[0..<2])
            let last = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[2..<3])
            for first: UInt8 in 0xE0...0xEF {
                buffer[0] = first
                for second in 0...255 {
                    buffer[1] = UInt8(second)
                    var afterPrefix = UTF8Validator()
                    let prefixAccepted = afterPrefix.feed(prefix)
                    for third in 0...255 {
                        buffer[2] = UInt8(third)
                        var validator = afterPrefix
                        let ours = prefixAccepted && validator.feed(last) && validator.isComplete
                        if ours != swiftAccepts(typed), mismatches.count < 5 {
                            mismatches.append(Array(typed))
                        }
                    }
                }
            }
        }
        #expect(mismatches.isEmpty, "first mismatches: \(mismatches)")
    }

    /// Four-byte scalars: every lead byte from F0 to FF with every second byte, and the last two
    /// bytes drawn from the boundaries of the continuation range.
    @Test func fourByteBoundariesMatchTheStandardLibrary() {
        let tails: [UInt8] = [0x00, 0x7F, 0x80, 0x81, 0xBF, 0xC0, 0xFF]
        var mismatches: [[UInt8]] = []
        for first: UInt8 in 0xF0...0xFF {
            for second in 0...255 {
                for third in tails {
                    for fourth in tails {
                        let bytes = [first, UInt8(second), third, fourth]
                        let reference = bytes.withUnsafeBufferPointer(swiftAccepts)
                        if validatorAccepts(bytes) != reference || validatorAcceptsByteByByte(bytes) != reference {
                            mismatches.append(bytes)
                        }
                    }
                }
            }
        }
        #expect(mismatches.isEmpty, "first mismatches: \(mismatches.prefix(5))")
    }
}
