import Media
import NIOCore
import Testing

@Suite("Base64")
struct Base64Tests {
    /// RFC 4648 section 10.
    static let rfcVectors = [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ]

    @Test func rfc4648Vectors() throws {
        for (plain, encoded) in Self.rfcVectors {
            #expect(Base64.encode(Array(plain.utf8)) == encoded)
            #expect(Base64.decode(encoded) == Array(plain.utf8))
            #expect(Base64.encodedLength(plain.utf8.count) == encoded.utf8.count)

            var output = ByteBuffer()
            Base64.encode(ByteBuffer(string: plain), into: &output)
            #expect(String(buffer: output) == encoded)

            var decoded = ByteBuffer()
            try Base64.decode(ByteBuffer(string: encoded), into: &decoded)
            #expect(String(buffer: decoded) == plain)
        }
    }

    @Test func theWholeAlphabetAndEveryByteValue() {
        let all = (0...255).map(UInt8.init)
        #expect(Base64.decode(Base64.encode(all)) == all)
        #expect(Base64.encode([0xFB, 0xFF, 0xBF]) == "+/+/")
        // 0x00 0x10 0x83 ... encodes the alphabet in order.
        let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        let bytes = Base64.decode(alphabet)
        #expect(bytes?.count == 48)
        #expect(bytes.map { Base64.encode($0) } == alphabet)
    }

    @Test func encodedLengths() {
        #expect([0, 1, 2, 3, 4, 5, 6, 160, 161].map(Base64.encodedLength) == [0, 4, 4, 4, 8, 8, 8, 216, 216])
    }

    @Test func randomDataOfEveryLengthRoundTrips() throws {
        var random = TestRandom(seed: 4648)
        for length in 0...300 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            let encoded = Base64.encode(bytes)
            #expect(encoded.utf8.count == Base64.encodedLength(length), "length \(length)")
            #expect(encoded.utf8.count == (length + 2) / 3 * 4, "length \(length)")
            #expect(Base64.decode(encoded) == bytes, "length \(length)")

            // The same through ByteBuffers, appending after existing content.
            var wire = ByteBuffer(string: "x")
            bytes.withUnsafeBytes { Base64.encode($0, into: &wire) }
            #expect(wire.readString(length: 1) == "x")
            #expect(String(buffer: wire) == encoded)
            var decoded = ByteBuffer(bytes: [0xAA])
            try Base64.decode(wire, into: &decoded)
            #expect(Array(decoded.readableBytesView) == [0xAA] + bytes, "length \(length)")

            // Without padding, as some senders emit it.
            let unpadded = String(encoded.utf8.prefix { $0 != UInt8(ascii: "=") })!
            #expect(Base64.decode(unpadded) == bytes, "length \(length)")
        }
    }

    @Test func aNonContiguousCollectionEncodes() {
        #expect(Base64.encode("foobar".utf8.lazy.map { $0 }) == "Zm9vYmFy")
        #expect(Base64.encode(Array("xfoobar".utf8).dropFirst()) == "Zm9vYmFy")
    }

    @Test func unpaddedInputIsAccepted() {
        #expect(Base64.decode("Zg") == Array("f".utf8))
        #expect(Base64.decode("Zm8") == Array("fo".utf8))
        #expect(Base64.decode("Zm9vYmE") == Array("fooba".utf8))
    }

    /// Documented leniency: the unused low bits of the last character are ignored.
    @Test func nonZeroTrailingBitsAreAccepted() {
        #expect(Base64.decode("Zh==") == Array("f".utf8))
        #expect(Base64.decode("Zm9=") == Array("fo".utf8))
        #expect(Base64.decode("Zh") == Array("f".utf8))
    }

    @Test(arguments: [
        "Zg=", "Z===", "====", "=Zg=", "Zg=a", "Zg==Zg==", "Zm9v!A==", "Zm 9", "Zm9\n", "Zm-_", "Zmé", "Z", "Zm9vY",
        "Zm9vY===", "=", "==", "Zm9v=", "Zm8==",
    ])
    func malformedInputIsRejected(text: String) {
        #expect(Base64.decode(text) == nil)
    }

    static let errorCases: [(String, Base64Error.Kind, Int)] = [
        ("Zm9v!A==", .invalidCharacter, 4),
        ("Zm 9", .invalidCharacter, 2),
        ("Zm9vYmFy\n", .invalidCharacter, 8),
        ("Zm!v=", .invalidCharacter, 2),
        ("Zm!vY", .invalidCharacter, 2),
        ("Zm-_", .invalidCharacter, 2),
        ("Zm9vYmF_", .invalidCharacter, 7),
        ("Zg=a", .misplacedPadding, 2),
        ("=Zg=", .misplacedPadding, 0),
        ("Zg==Zg==", .misplacedPadding, 2),
        ("Z===", .misplacedPadding, 1),
        ("Zg=", .misplacedPadding, 2),
        ("Zm9vY", .truncatedQuantum, 4),
        ("Z", .truncatedQuantum, 0),
    ]

    @Test func errorsNameTheKindAndOffset() {
        for (text, kind, offset) in Self.errorCases {
            var output = ByteBuffer()
            do {
                try Base64.decode(ByteBuffer(string: text), into: &output)
                Issue.record("'\(text)' decoded")
            } catch {
                #expect(error.kind == kind, "'\(text)': \(error)")
                #expect(error.offset == offset, "'\(text)': \(error)")
            }
        }
    }

    @Test func errorDescriptionsAreOnePrintableLine() throws {
        let error = try #require(Self.decodeError("Zm9v\nA=="))
        #expect(error.description == "invalid base64: byte 0x0A at offset 4 is not in the alphabet")
        #expect(
            Self.decodeError("Zg=a")?.description
                == "invalid base64: '=' at offset 2 is not at the end of the last quantum"
        )
        #expect(
            Self.decodeError("Zm9vY")?.description
                == "invalid base64: a lone character at offset 4 cannot encode a byte")
        #expect(Self.decodeError("Zm\u{FF}")?.description.contains("0xC3") == true)
    }

    /// A failing decode must not leave half a frame behind in the caller's buffer.
    @Test func aFailedDecodeLeavesTheOutputAsItWas() {
        for text in ["Zm9vYmFyZm9v!mFy", "Zm9vYmFyZm9vY", "Zm9vYmFyZm9vYm=y"] {
            var output = ByteBuffer(string: "kept")
            output.moveReaderIndex(forwardBy: 1)
            let before = output
            #expect(throws: Base64Error.self) {
                try text.utf8.withContiguousStorageIfAvailable {
                    try Base64.decode(UnsafeRawBufferPointer($0), into: &output)
                }
            }
            #expect(output == before)
            #expect(output.writerIndex == before.writerIndex)
            #expect(output.readerIndex == 1)
        }
    }

    @Test func theReadableBytesAreWhatIsEncodedAndDecoded() throws {
        var source = ByteBuffer(string: "xxfoobar")
        source.moveReaderIndex(forwardBy: 2)
        var encoded = ByteBuffer()
        Base64.encode(source, into: &encoded)
        #expect(String(buffer: encoded) == "Zm9vYmFy")

        var text = ByteBuffer(string: "!!Zm9vYmFy")
        text.moveReaderIndex(forwardBy: 2)
        var decoded = ByteBuffer()
        try Base64.decode(text, into: &decoded)
        #expect(String(buffer: decoded) == "foobar")
    }

    @Test func emptyInputAppendsNothing() throws {
        var output = ByteBuffer(string: "a")
        Base64.encode(ByteBuffer(), into: &output)
        try Base64.decode(ByteBuffer(), into: &output)
        #expect(String(buffer: output) == "a")
        #expect(Base64.decode("") == [])
        #expect(Base64.encode([UInt8]()) == "")
    }

    static func decodeError(_ text: String) -> Base64Error? {
        var output = ByteBuffer()
        do {
            try Base64.decode(ByteBuffer(string: text), into: &output)
            return nil
        } catch {
            return error
        }
    }
}
