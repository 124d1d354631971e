import SwitchboardTestSupport
import Testing

/// A named byte sequence, so parameterized results say which sequence failed.
struct UTF8Sample: Sendable, CustomTestStringConvertible {
    var name: String
    var bytes: [UInt8]

    init(_ name: String, _ bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }

    var testDescription: String { name }
}

/// Autobahn 6.x: text messages must be valid UTF-8 as a whole; a fragment boundary may split a
/// code point, but once the bytes can no longer become valid the server fails with 1007
/// without waiting for the rest of the message.
@Suite("6.x UTF-8 handling")
struct UTF8Tests {
    static let mixedText = "Hello-µ@ßöäüàá-UTF-8!! κόσμε €ࠀ 日本語 😀"

    static let valid: [UTF8Sample] = [
        UTF8Sample("6.2 mixed Latin-1", "Hello-µ@ßöäüàá-UTF-8!!".bytes),
        UTF8Sample("6.5 Greek kosme", [0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5]),
        UTF8Sample("U+0000", [0x00]),
        UTF8Sample("U+007F", [0x7F]),
        UTF8Sample("U+0080", [0xC2, 0x80]),
        UTF8Sample("U+07FF", [0xDF, 0xBF]),
        UTF8Sample("U+0800", [0xE0, 0xA0, 0x80]),
        UTF8Sample("U+D7FF", [0xED, 0x9F, 0xBF]),
        UTF8Sample("U+E000", [0xEE, 0x80, 0x80]),
        UTF8Sample("U+FFFD", [0xEF, 0xBF, 0xBD]),
        UTF8Sample("U+10000", [0xF0, 0x90, 0x80, 0x80]),
        UTF8Sample("U+10FFFF", [0xF4, 0x8F, 0xBF, 0xBF]),
        // 6.23: noncharacters are valid scalar values and must pass.
        UTF8Sample("noncharacter U+FFFE", [0xEF, 0xBF, 0xBE]),
        UTF8Sample("noncharacter U+FDD0", [0xEF, 0xB7, 0x90]),
        UTF8Sample("noncharacter U+1FFFF", [0xF0, 0x9F, 0xBF, 0xBF]),
        UTF8Sample("emoji and CJK", "😀👍🏽 日本語 中文".bytes),
    ]

    static let invalid: [UTF8Sample] = [
        UTF8Sample(
            "6.3 kosme with surrogate",
            [
                0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5,
                0xED, 0xA0, 0x80, 0x65, 0x64, 0x69, 0x74, 0x65, 0x64,
            ]),
        // 6.8-6.10: lone continuation bytes.
        UTF8Sample("lone continuation 0x80", [0x80]),
        UTF8Sample("lone continuation 0xBF", [0xBF]),
        UTF8Sample("continuation run", [0x80, 0xBF, 0x80, 0xBF]),
        UTF8Sample("continuation inside ASCII", "ab".bytes + [0x80] + "cd".bytes),
        // 6.12-6.14: lead bytes not followed by continuations.
        UTF8Sample("2-byte lead then space", [0xC2, 0x20]),
        UTF8Sample("3-byte lead then space", [0xE0, 0x20]),
        UTF8Sample("4-byte lead then space", [0xF0, 0x20]),
        // 6.17: bytes that never occur in UTF-8.
        UTF8Sample("byte 0xFE", [0xFE]),
        UTF8Sample("byte 0xFF", [0xFF]),
        UTF8Sample("bytes FE FE FF FF", [0xFE, 0xFE, 0xFF, 0xFF]),
        // 6.18-6.20: overlong encodings.
        UTF8Sample("overlong '/' 2 bytes", [0xC0, 0xAF]),
        UTF8Sample("overlong '/' 3 bytes", [0xE0, 0x80, 0xAF]),
        UTF8Sample("overlong '/' 4 bytes", [0xF0, 0x80, 0x80, 0xAF]),
        UTF8Sample("overlong '/' 5 bytes", [0xF8, 0x80, 0x80, 0x80, 0xAF]),
        UTF8Sample("overlong '/' 6 bytes", [0xFC, 0x80, 0x80, 0x80, 0x80, 0xAF]),
        UTF8Sample("maximum overlong 2 bytes", [0xC1, 0xBF]),
        UTF8Sample("maximum overlong 3 bytes", [0xE0, 0x9F, 0xBF]),
        UTF8Sample("maximum overlong 4 bytes", [0xF0, 0x8F, 0xBF, 0xBF]),
        UTF8Sample("overlong NUL 2 bytes", [0xC0, 0x80]),
        UTF8Sample("overlong NUL 3 bytes", [0xE0, 0x80, 0x80]),
        // 6.21-6.22: UTF-16 surrogates, single and paired.
        UTF8Sample("surrogate U+D800", [0xED, 0xA0, 0x80]),
        UTF8Sample("surrogate U+DB7F", [0xED, 0xAD, 0xBF]),
        UTF8Sample("surrogate U+DB80", [0xED, 0xAE, 0x80]),
        UTF8Sample("surrogate U+DBFF", [0xED, 0xAF, 0xBF]),
        UTF8Sample("surrogate U+DC00", [0xED, 0xB0, 0x80]),
        UTF8Sample("surrogate U+DF80", [0xED, 0xBE, 0x80]),
        UTF8Sample("surrogate U+DFFF", [0xED, 0xBF, 0xBF]),
        UTF8Sample("surrogate pair U+D800 U+DC00", [0xED, 0xA0, 0x80, 0xED, 0xB0, 0x80]),
        UTF8Sample("surrogate pair U+DBFF U+DFFF", [0xED, 0xAF, 0xBF, 0xED, 0xBF, 0xBF]),
        // Beyond U+10FFFF.
        UTF8Sample("U+110000", [0xF4, 0x90, 0x80, 0x80]),
        UTF8Sample("lead byte 0xF5", [0xF5, 0x80, 0x80, 0x80]),
        UTF8Sample("U+1FFFFF", [0xF7, 0xBF, 0xBF, 0xBF]),
        // 6.15-6.16: sequences cut off at the end of the message.
        UTF8Sample("truncated 2-byte at end", "abc".bytes + [0xC2]),
        UTF8Sample("truncated 3-byte at end", "abc".bytes + [0xE2, 0x82]),
        UTF8Sample("truncated 4-byte at end", "abc".bytes + [0xF0, 0x9F, 0x98]),
        UTF8Sample("only a lead byte", [0xCE]),
        UTF8Sample("truncated U+10FFFF", [0xF4, 0x8F, 0xBF]),
    ]

    @Test("valid UTF-8 text is echoed", arguments: valid)
    func validEchoed(sample: UTF8Sample) async throws {
        try await withEchoClient { client in
            try expectRoundTrip(client, .text, sample.bytes)
        }
    }

    @Test("invalid UTF-8 text fails with 1007", arguments: invalid)
    func invalidRejected(sample: UTF8Sample) async throws {
        try await withEchoClient { client in
            client.trySend([ClientFrame(opcode: .text, payload: sample.bytes)])
            try expectFailure(client, code: CloseCode.invalidPayload)
        }
    }

    @Test("6.3.2 invalid UTF-8 sent as one-byte fragments fails with 1007")
    func invalidInOneByteFragments() async throws {
        try await withEchoClient { client in
            client.trySend(Self.oneByteFragments(of: Self.invalid[0].bytes))
            try expectFailure(client, code: CloseCode.invalidPayload)
        }
    }

    /// 6.2.2: every split point, including the middle of 2-, 3- and 4-byte sequences, on one
    /// connection.
    @Test("6.2.2 valid text split into two fragments at every byte boundary")
    func splitAtEveryBoundary() async throws {
        try await withEchoClient { client in
            let bytes = Self.mixedText.bytes
            for split in 1..<bytes.count {
                try client.send([
                    ClientFrame(opcode: .text, payload: bytes[..<split], fin: false),
                    .continuation(Array(bytes[split...])),
                ])
                try expectEcho(client, .text, bytes)
            }
        }
    }

    @Test("6.2.3 valid text sent as one-byte fragments")
    func validInOneByteFragments() async throws {
        try await withEchoClient { client in
            let bytes = Self.mixedText.bytes
            try client.send(Self.oneByteFragments(of: bytes))
            try expectEcho(client, .text, bytes)
        }
    }

    @Test("6.2.4 valid text frame written one byte at a time")
    func validBytewise() async throws {
        try await withEchoClient { client in
            let bytes = Self.mixedText.bytes
            try client.send(ClientFrame(opcode: .text, payload: bytes), split: .bytewise)
            try expectEcho(client, .text, bytes)
        }
    }

    @Test("fragmented text ending in a truncated sequence fails with 1007")
    func truncatedAtEndOfFragmentedMessage() async throws {
        try await withEchoClient { client in
            client.trySend([.text("κόσμε", fin: false), .continuation([0x20, 0xE2, 0x82])])
            try expectFailure(client, code: CloseCode.invalidPayload)
        }
    }

    /// 6.4.1-6.4.2: the rest of the message is never sent, so only a server that validates each
    /// fragment as it arrives can answer; one that waits for FIN times out here.
    @Test(
        "6.4.x invalid sequence in a middle fragment fails fast with 1007",
        arguments: [
            (Self.kosme, [0xF4, 0x90, 0x80, 0x80]),  // 6.4.1: U+110000 as its own fragment
            (Self.kosme + [0xF4], [0x90]),  // 6.4.2: 0xF4 0x90 split across fragments
            ([], [0xC0, 0xAF]),  // overlong in the very first fragment
        ] as [([UInt8], [UInt8])])
    func failFastWithinMessage(valid: [UInt8], invalid: [UInt8]) async throws {
        try await withEchoClient { client in
            if !valid.isEmpty {
                try client.send(ClientFrame(opcode: .text, payload: valid, fin: false))
                #expect(try client.nextFrame(within: .milliseconds(200)) == nil, "valid prefix must be accepted")
            }
            client.trySend([ClientFrame(opcode: valid.isEmpty ? .text : .continuation, payload: invalid, fin: false)])
            try expectFailure(client, code: CloseCode.invalidPayload)
        }
    }

    /// A binary message carries arbitrary bytes; only text is validated.
    @Test("invalid UTF-8 in a binary message is echoed")
    func binaryIsNotValidated() async throws {
        try await withEchoClient { client in
            try expectRoundTrip(client, .binary, [0xC0, 0xAF, 0xED, 0xA0, 0x80, 0xFF])
        }
    }

    static let kosme: [UInt8] = [0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5]

    /// A text frame for the first byte, then a continuation frame per byte.
    static func oneByteFragments(of bytes: [UInt8]) -> [ClientFrame] {
        bytes.enumerated().map { index, byte in
            ClientFrame(opcode: index == 0 ? .text : .continuation, payload: [byte], fin: index == bytes.count - 1)
        }
    }
}
