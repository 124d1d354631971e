import Core
import Testing

@Suite struct Base64URLTests {
    @Test func knownVectorsFromRFC4648() {
        // RFC 4648 section 10, without padding.
        let vectors = ["": "", "f": "Zg", "fo": "Zm8", "foo": "Zm9v", "foob": "Zm9vYg", "fooba": "Zm9vYmE"]
        for (plain, encoded) in vectors {
            #expect(Base64URL.encode(Array(plain.utf8)) == encoded)
            #expect(Base64URL.decode(encoded) == Array(plain.utf8))
        }
    }

    @Test func usesTheURLAlphabetAndRoundTripsEveryByte() {
        let bytes = (0...255).map { UInt8($0) }
        let encoded = Base64URL.encode(bytes)
        #expect(!encoded.contains("+") && !encoded.contains("/") && !encoded.contains("="))
        #expect(Base64URL.decode(encoded) == bytes)
    }

    @Test func refusesForeignCharactersAndDanglingBits() {
        #expect(Base64URL.decode("Zm9v+") == nil)
        #expect(Base64URL.decode("Zm9v=") == nil)
        #expect(Base64URL.decode("Z") == nil)
    }
}
