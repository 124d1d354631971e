import Foundation
import NIOCore
import SwitchboardTestSupport
import Testing

@testable import Core

/// `string` escaped into a buffer, as the bytes written.
private func escaped(_ string: String) -> (text: String, written: Int) {
    var buffer = ByteBuffer()
    let written = buffer.writeJSONEscaped(string)
    return (String(buffer: buffer), written)
}

/// `string` escaped and quoted, then read back with ``JSONScanner``.
private func roundTrip(_ string: String) throws -> String {
    var buffer = ByteBuffer(string: "\"")
    buffer.writeJSONEscaped(string)
    buffer.writeString("\"")
    return try withJSONScalar(String(buffer: buffer)) { token, bytes in
        #expect(token.kind == .string)
        return token.string(in: bytes)
    }
}

/// `string` escaped and quoted, then read back with Foundation, an independent parser.
private func foundationRoundTrip(_ string: String) throws -> String? {
    var buffer = ByteBuffer(string: "[\"")
    buffer.writeJSONEscaped(string)
    buffer.writeString("\"]")
    let object = try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))
    return (object as? [String])?.first
}

@Suite("writeJSONEscaped")
struct JSONStringEscapingTests {
    @Test(arguments: [
        ("", ""),
        ("abc", "abc"),
        ("a\"b", #"a\"b"#),
        ("\\", #"\\"#),
        ("\\\"", #"\\\""#),
        ("\n\r\t", #"\n\r\t"#),
        ("\u{0}", #"\u0000"#),
        ("\u{8}", #"\u0008"#),
        ("\u{C}", #"\u000c"#),
        ("\u{1B}[0m", #"\u001b[0m"#),
        ("\u{1F}", #"\u001f"#),
        (" ", " "),
        ("/", "/"),
        ("\u{7F}", "\u{7F}"),
        ("é😀€", "é😀€"),
        ("MZ\"},\"event\":\"stop", #"MZ\"},\"event\":\"stop"#),
    ])
    func exactOutput(input: String, expected: String) {
        let result = escaped(input)
        #expect(result.text == expected)
        #expect(result.written == expected.utf8.count)
    }

    @Test func appendsAfterExistingContent() {
        var buffer = ByteBuffer(string: "{\"k\":\"")
        let written = buffer.writeJSONEscaped("a\nb")
        buffer.writeString("\"}")
        #expect(written == 4)
        #expect(String(buffer: buffer) == #"{"k":"a\nb"}"#)
    }

    @Test func everyASCIICharacterRoundTrips() throws {
        for value in 0..<0x80 {
            let string = String(Character(Unicode.Scalar(UInt8(value))))
            #expect(try roundTrip(string) == string, "U+\(String(value, radix: 16))")
            #expect(try foundationRoundTrip(string) == string, "U+\(String(value, radix: 16))")
            // Nothing below 0x20 is ever written raw.
            #expect(escaped(string).text.utf8.allSatisfy { $0 >= 0x20 })
        }
    }

    @Test(arguments: [
        "quote \" and backslash \\ and both \\\"", "\\\\\\", "\"\"\"", "tab\there\r\nnew line", "\u{0}\u{1}\u{2}\u{1F}",
        "café, naïve, Ελληνικά, 日本語, emoji 😀🇫🇷", "\u{FEFF}bom", "\u{2028}\u{2029}", "ends with backslash \\",
        "\\u0041 is not an escape", "a/b\\/c",
    ])
    func roundTripsThroughTheScanner(string: String) throws {
        #expect(try roundTrip(string) == string)
        // Foundation on Linux drops U+FEFF even inside a string; that says nothing about the escaping.
        if !string.unicodeScalars.contains("\u{FEFF}") {
            #expect(try foundationRoundTrip(string) == string)
        }
    }

    @Test func randomStringsRoundTrip() throws {
        var random = SplitMix64(seed: 0x5C)
        let pools: [ClosedRange<UInt32>] = [
            0...0x7F, 0x80...0x7FF, 0x800...0xD7FF, 0xE000...0xFFFF, 0x10000...0x10FFFF,
        ]
        for _ in 0..<500 {
            var string = ""
            for _ in 0..<Int.random(in: 0...40, using: &random) {
                let pool = pools.randomElement(using: &random)!
                string.unicodeScalars.append(Unicode.Scalar(UInt32.random(in: pool, using: &random))!)
            }
            #expect(try roundTrip(string) == string)
            #expect(try foundationRoundTrip(string) == string)
        }
    }
}
