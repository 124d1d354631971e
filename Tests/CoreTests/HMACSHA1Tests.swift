import Core
import SwitchboardTestSupport
import Testing

private func hex(_ bytes: [UInt8]) -> String {
    bytes.map { ($0 < 0x10 ? "0" : "") + String($0, radix: 16) }.joined()
}

/// HMAC (RFC 2104) written out over the test suite's own SHA-1, an implementation independent of OpenSSL.
private func referenceHMAC(key: [UInt8], message: [UInt8]) -> [UInt8] {
    var block = key.count > 64 ? TestSHA1.digest(key) : key
    block += [UInt8](repeating: 0, count: 64 - block.count)
    let inner = TestSHA1.digest(block.map { $0 ^ 0x36 } + message)
    return TestSHA1.digest(block.map { $0 ^ 0x5C } + inner)
}

@Suite("HMACSHA1")
struct HMACSHA1Tests {
    /// RFC 2202 section 3, all seven cases.
    static let rfc2202: [(key: [UInt8], message: [UInt8], digest: String)] = [
        ([UInt8](repeating: 0x0B, count: 20), Array("Hi There".utf8), "b617318655057264e28bc0b6fb378c8ef146be00"),
        (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"),
        (
            [UInt8](repeating: 0xAA, count: 20), [UInt8](repeating: 0xDD, count: 50),
            "125d7342b9ac11cd91a39af48aa17b4f63f175d3"
        ),
        (Array(1...25), [UInt8](repeating: 0xCD, count: 50), "4c9007f4026250c6bc8414f9bf50c86c2d7235da"),
        (
            [UInt8](repeating: 0x0C, count: 20), Array("Test With Truncation".utf8),
            "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04"
        ),
        (
            [UInt8](repeating: 0xAA, count: 80), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
            "aa4ae5e15272d00e95705637ce8a3b55ed402112"
        ),
        (
            [UInt8](repeating: 0xAA, count: 80),
            Array("Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data".utf8),
            "e8e99d0f45237d786d6bbaa7965c7808bbff1a91"
        ),
    ]

    @Test(arguments: 0..<7)
    func rfc2202TestCase(index: Int) {
        let vector = Self.rfc2202[index]
        let code = HMACSHA1.authenticationCode(key: vector.key, message: vector.message)
        #expect(code.count == 20)
        #expect(hex(code) == vector.digest, "RFC 2202 test case \(index + 1)")
    }

    @Test func rfc2202TestCase5TruncatedTo96Bits() {
        let vector = Self.rfc2202[4]
        let code = HMACSHA1.authenticationCode(key: vector.key, message: vector.message)
        #expect(hex(Array(code.prefix(12))) == "4c1a03424b55e07fe7f27be1")
    }

    @Test func emptyKeyAndMessage() {
        // python3: hmac.new(b'', b'', hashlib.sha1).hexdigest()
        #expect(hex(HMACSHA1.authenticationCode(key: [], message: [])) == "fbdb1d1b18aa6c08324b7d64b71fb76370690e1d")
        #expect(HMACSHA1.authenticationCode(key: [], message: Array("x".utf8)).count == 20)
        #expect(HMACSHA1.authenticationCode(key: Array("x".utf8), message: []).count == 20)
    }

    @Test func acceptsAnyCollectionOfBytes() {
        let expected = HMACSHA1.authenticationCode(
            key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(HMACSHA1.authenticationCode(key: "Jefe".utf8, message: "what do ya want for nothing?".utf8) == expected)
        let padded = Array("--what do ya want for nothing?--".utf8)
        #expect(HMACSHA1.authenticationCode(key: "Jefe".utf8, message: padded[2..<(padded.count - 2)]) == expected)
    }

    @Test func matchesAnIndependentImplementationAcrossKeyAndMessageLengths() {
        var random = SplitMix64(seed: 2202)
        // Key lengths around the 64-byte block size, where HMAC pads or hashes the key.
        for keyLength in [0, 1, 19, 20, 63, 64, 65, 100, 128, 200] {
            for messageLength in [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000] {
                let key = (0..<keyLength).map { _ in UInt8.random(in: 0...255, using: &random) }
                let message = (0..<messageLength).map { _ in UInt8.random(in: 0...255, using: &random) }
                #expect(
                    HMACSHA1.authenticationCode(key: key, message: message)
                        == referenceHMAC(key: key, message: message),
                    "key \(keyLength) bytes, message \(messageLength) bytes")
            }
        }
    }

    @Test func referenceImplementationAgreesWithRFC2202() {
        for vector in Self.rfc2202 {
            #expect(hex(referenceHMAC(key: vector.key, message: vector.message)) == vector.digest)
        }
    }
}

@Suite("constantTimeEquals")
struct ConstantTimeEqualsTests {
    @Test func equal() {
        #expect(constantTimeEquals([1, 2, 3], [1, 2, 3]))
        let code = HMACSHA1.authenticationCode(key: Array("k".utf8), message: Array("m".utf8))
        #expect(constantTimeEquals(code, code))
        #expect(constantTimeEquals([0], [0]))
    }

    @Test func empty() {
        #expect(constantTimeEquals([], []))
        #expect(!constantTimeEquals([], [0]))
        #expect(!constantTimeEquals([0], []))
    }

    @Test func differInTheFirstOrLastByte() {
        let base = [UInt8](0..<20)
        var first = base
        first[0] ^= 0x01
        var last = base
        last[19] ^= 0x80
        var middle = base
        middle[10] = 0xFF
        #expect(!constantTimeEquals(base, first))
        #expect(!constantTimeEquals(base, last))
        #expect(!constantTimeEquals(base, middle))
        #expect(!constantTimeEquals(last, base))
    }

    @Test func differentLengths() {
        #expect(!constantTimeEquals([1, 2, 3], [1, 2]))
        #expect(!constantTimeEquals([1, 2], [1, 2, 3]))
        // A prefix of the right answer is not the right answer.
        let code = HMACSHA1.authenticationCode(key: Array("k".utf8), message: Array("m".utf8))
        #expect(!constantTimeEquals(Array(code.prefix(12)), code))
        #expect(!constantTimeEquals(code + [0], code))
    }

    @Test func everySingleBitFlipIsDetected() {
        let base = HMACSHA1.authenticationCode(
            key: Array("token".utf8), message: Array("wss://example.com/v1/media".utf8))
        for index in base.indices {
            for bit in 0..<8 {
                var flipped = base
                flipped[index] ^= 1 << bit
                #expect(!constantTimeEquals(base, flipped), "byte \(index) bit \(bit)")
            }
        }
    }
}
