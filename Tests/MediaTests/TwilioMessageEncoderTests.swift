import Foundation
import NIOCore
import Testing

@testable import Media

/// `buffer` parsed by Foundation, an independent JSON parser.
private func jsonObject(_ buffer: ByteBuffer) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))
    return try #require(object as? [String: Any])
}

private func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
    var random = TestRandom(seed: seed)
    return (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
}

@Suite("TwilioMessageEncoder")
struct TwilioMessageEncoderTests {
    let allocator = ByteBufferAllocator()

    @Test func mediaExactBytes() {
        let encoder = TwilioMessageEncoder(streamSid: "MZ1")
        let message = encoder.media(ByteBuffer(bytes: [1, 2, 3]), allocator: self.allocator)
        #expect(String(buffer: message) == #"{"event":"media","streamSid":"MZ1","media":{"payload":"AQID"}}"#)
    }

    @Test func markExactBytes() {
        let encoder = TwilioMessageEncoder(streamSid: "MZ1")
        let message = encoder.mark("label", allocator: self.allocator)
        #expect(String(buffer: message) == #"{"event":"mark","streamSid":"MZ1","mark":{"name":"label"}}"#)
    }

    @Test func clearExactBytes() {
        let encoder = TwilioMessageEncoder(streamSid: "MZ1")
        #expect(String(buffer: encoder.clear()) == #"{"event":"clear","streamSid":"MZ1"}"#)
        #expect(encoder.clear() == encoder.clear())
    }

    @Test(arguments: [0, 1, 2, 3, 159, 160, 161, 8000])
    func mediaIsValidJSONOfTheDocumentedShape(count: Int) throws {
        let bytes = randomBytes(count, seed: UInt64(count) + 100)
        let encoder = TwilioMessageEncoder(streamSid: "MZ18ad3ab5a668481ce02b83e7395059f0")
        let message = encoder.media(ByteBuffer(bytes: bytes), allocator: self.allocator)
        let object = try jsonObject(message)
        #expect(Set(object.keys) == ["event", "streamSid", "media"])
        #expect(object["event"] as? String == "media")
        #expect(object["streamSid"] as? String == "MZ18ad3ab5a668481ce02b83e7395059f0")
        let media = try #require(object["media"] as? [String: Any])
        #expect(Set(media.keys) == ["payload"])
        let payload = try #require(media["payload"] as? String)
        #expect(payload == Base64.encode(bytes))
        #expect(Base64.decode(payload) == bytes)
        #expect(Data(base64Encoded: payload).map(Array.init) == bytes)
    }

    @Test func mediaEncodesOnlyTheReadableBytes() {
        let encoder = TwilioMessageEncoder(streamSid: "MZ1")
        var audio = ByteBuffer(bytes: [9, 9, 1, 2, 3])
        audio.moveReaderIndex(forwardBy: 2)
        let message = encoder.media(audio, allocator: self.allocator)
        #expect(String(buffer: message) == #"{"event":"media","streamSid":"MZ1","media":{"payload":"AQID"}}"#)
        #expect(audio.readableBytes == 3)
    }

    @Test func messagesDoNotShareState() {
        let encoder = TwilioMessageEncoder(streamSid: "MZ1")
        let first = encoder.media(ByteBuffer(bytes: [1]), allocator: self.allocator)
        _ = encoder.media(ByteBuffer(bytes: [2, 3, 4, 5]), allocator: self.allocator)
        _ = encoder.mark("x", allocator: self.allocator)
        #expect(encoder.media(ByteBuffer(bytes: [1]), allocator: self.allocator) == first)
        #expect(String(buffer: first) == #"{"event":"media","streamSid":"MZ1","media":{"payload":"AQ=="}}"#)
    }

    @Test func markAndClearAreValidJSONOfTheDocumentedShape() throws {
        let encoder = TwilioMessageEncoder(streamSid: "MZ2")
        let mark = try jsonObject(encoder.mark("chunk-7", allocator: self.allocator))
        #expect(Set(mark.keys) == ["event", "streamSid", "mark"])
        #expect(mark["event"] as? String == "mark")
        #expect(mark["streamSid"] as? String == "MZ2")
        let body = try #require(mark["mark"] as? [String: Any])
        #expect(Set(body.keys) == ["name"])
        #expect(body["name"] as? String == "chunk-7")

        let clear = try jsonObject(encoder.clear())
        #expect(Set(clear.keys) == ["event", "streamSid"])
        #expect(clear["event"] as? String == "clear")
        #expect(clear["streamSid"] as? String == "MZ2")
    }

    static let awkward = [
        "", "quote\"", "back\\slash", "new\nline", "\r\t", "\u{0}\u{1}\u{1F}", "\"},\"event\":\"stop", "\\\"",
        "trailing\\", "é😀", "a/b", "</script>",
    ]

    @Test(arguments: awkward)
    func awkwardStreamIdsAreEscaped(streamSid: String) throws {
        let encoder = TwilioMessageEncoder(streamSid: streamSid)
        let media = try jsonObject(encoder.media(ByteBuffer(bytes: [0xFF]), allocator: self.allocator))
        #expect(media["streamSid"] as? String == streamSid)
        #expect(media["event"] as? String == "media")
        #expect((media["media"] as? [String: Any])?["payload"] as? String == "/w==")
        let mark = try jsonObject(encoder.mark("m", allocator: self.allocator))
        #expect(mark["streamSid"] as? String == streamSid)
        let clear = try jsonObject(encoder.clear())
        #expect(clear["streamSid"] as? String == streamSid)
        #expect(clear.count == 2)
    }

    @Test(arguments: awkward)
    func awkwardMarkNamesAreEscaped(name: String) throws {
        let encoder = TwilioMessageEncoder(streamSid: "MZ1")
        let message = encoder.mark(name, allocator: self.allocator)
        let mark = try jsonObject(message)
        #expect((mark["mark"] as? [String: Any])?["name"] as? String == name)
        #expect(mark["streamSid"] as? String == "MZ1")
        #expect(mark.count == 3)
        // Switchboard's own parser reads it back too (as a provider echo would look).
        var audio = ByteBuffer()
        #expect(try TwilioMessageParser.parse(message, audio: &audio).event.markName == name)
    }

    @Test func ownParserReadsMediaBack() throws {
        let bytes = randomBytes(160, seed: 1)
        let encoder = TwilioMessageEncoder(streamSid: "MZ\"1")
        var audio = ByteBuffer()
        let parsed = try TwilioMessageParser.parse(
            encoder.media(ByteBuffer(bytes: bytes), allocator: self.allocator), audio: &audio)
        #expect(parsed.event.frame.map { Array($0.payload.readableBytesView) } == bytes)
        #expect(try TwilioMessageParser.parse(encoder.clear(), audio: &audio).event.unknownName == "clear")
    }
}
