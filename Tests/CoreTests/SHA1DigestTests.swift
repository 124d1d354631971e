import Core
import SwitchboardTestSupport
import Testing

private func hex(_ bytes: [UInt8]) -> String {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}

private func sha1(_ bytes: some Sequence<UInt8>) -> String {
    hex(SHA1Digest.hash(Array(bytes)))
}

@Suite("SHA1Digest")
struct SHA1DigestTests {
    // FIPS 180-2 appendix A and the NIST example vectors.
    @Test func fipsVectors() {
        #expect(sha1(Array("abc".utf8)) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(sha1([]) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        let message448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        #expect(sha1(Array(message448.utf8)) == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        let message896 =
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
            + "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"
        #expect(sha1(Array(message896.utf8)) == "a49b2446a02c645bf419f995b67091253a04a259")
    }

    @Test func oneMillionAs() {
        #expect(sha1(repeatElement(UInt8(ascii: "a"), count: 1_000_000)) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }

    /// Every message length across the padding boundaries (55, 56, 64 bytes and their multiples),
    /// against the test support's independent implementation.
    @Test func everyPaddingLengthAgreesWithAnIndependentImplementation() {
        for length in 0...200 {
            let message = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ length) }
            #expect(sha1(message) == hex(TestSHA1.digest(message)), "length \(length)")
        }
    }
}
