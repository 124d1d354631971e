import Foundation
import NIOCore
import Testing

@testable import LoadGenerator

/// The generator must speak exactly what a real provider sends: these parse its output with
/// Foundation, independently of the fragments that wrote it.
@Suite struct TwilioClientMessagesTests {
    private let identity = CallIdentity(
        accountSid: "AC" + String(repeating: "a", count: 32),
        callSid: "CA" + String(repeating: "b", count: 32),
        streamSid: "MZ" + String(repeating: "c", count: 32)
    )

    private func object(_ write: (inout ByteBuffer) -> Void) throws -> [String: Any] {
        var buffer = ByteBuffer()
        write(&buffer)
        let data = Data(buffer.readableBytesView)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func connectedIsTheFixedFirstMessage() throws {
        let message = try self.object { TwilioClientMessages.writeConnected(into: &$0) }
        #expect(message["event"] as? String == "connected")
        #expect(message["protocol"] as? String == "Call")
        #expect(message["version"] as? String == "1.0.0")
        #expect(message["streamSid"] == nil)
    }

    @Test func startCarriesIdsTracksParametersAndFormat() throws {
        let message = try self.object { TwilioClientMessages.writeStart(self.identity, app: "echo", into: &$0) }
        #expect(message["event"] as? String == "start")
        #expect(message["sequenceNumber"] as? String == "1")
        #expect(message["streamSid"] as? String == self.identity.streamSid)
        let start = try #require(message["start"] as? [String: Any])
        #expect(start["accountSid"] as? String == self.identity.accountSid)
        #expect(start["streamSid"] as? String == self.identity.streamSid)
        #expect(start["callSid"] as? String == self.identity.callSid)
        #expect(start["tracks"] as? [String] == ["inbound"])
        #expect(start["customParameters"] as? [String: String] == ["app": "echo"])
        let format = try #require(start["mediaFormat"] as? [String: Any])
        #expect(format["encoding"] as? String == "audio/x-mulaw")
        #expect(format["sampleRate"] as? Int == 8000)
        #expect(format["channels"] as? Int == 1)
    }

    @Test func startEscapesTheAppParameter() throws {
        let app = "a\"b\\c\nd"
        let message = try self.object { TwilioClientMessages.writeStart(self.identity, app: app, into: &$0) }
        let start = try #require(message["start"] as? [String: Any])
        #expect(start["customParameters"] as? [String: String] == ["app": app])
    }

    @Test func mediaNumbersAreStringsAndThePayloadCarriesTheFrame() throws {
        let payload = FramePayload(magic: 0xBEEF, byteCount: 160)
        let message = try self.object {
            TwilioClientMessages.writeMedia(
                sequenceNumber: 4, chunk: 3, timestampMilliseconds: 40, frame: 2, payload: payload,
                streamSid: self.identity.streamSidBytes, into: &$0)
        }
        #expect(message["event"] as? String == "media")
        #expect(message["sequenceNumber"] as? String == "4")
        #expect(message["streamSid"] as? String == self.identity.streamSid)
        let media = try #require(message["media"] as? [String: Any])
        #expect(media["track"] as? String == "inbound")
        #expect(media["chunk"] as? String == "3")
        #expect(media["timestamp"] as? String == "40")
        let encoded = try #require(media["payload"] as? String)
        let bytes = try #require(Data(base64Encoded: encoded))
        #expect(bytes.count == 160)
        #expect(Array(bytes.prefix(6)) == [0xBE, 0xEF, 0, 0, 0, 2])
    }

    @Test func stopNamesTheAccountAndCall() throws {
        let message = try self.object { TwilioClientMessages.writeStop(sequenceNumber: 52, self.identity, into: &$0) }
        #expect(message["event"] as? String == "stop")
        #expect(message["sequenceNumber"] as? String == "52")
        #expect(message["streamSid"] as? String == self.identity.streamSid)
        let stop = try #require(message["stop"] as? [String: String])
        #expect(stop == ["accountSid": self.identity.accountSid, "callSid": self.identity.callSid])
    }

    @Test(arguments: [0, 7, 9, 10, 99, 100, 12_345, Int(UInt32.max), Int.max])
    func decimalsMatchSwift(_ value: Int) {
        var buffer = ByteBuffer()
        TwilioClientMessages.writeDecimal(value, into: &buffer)
        #expect(String(buffer: buffer) == String(value))
    }

    @Test func sidsHaveTwilioShape() {
        var random = FastRandom(seed: 7)
        let identity = CallIdentity.random(accountSid: "AC0", using: &random)
        for (sid, prefix) in [(identity.callSid, "CA"), (identity.streamSid, "MZ")] {
            #expect(sid.hasPrefix(prefix))
            #expect(sid.count == 34)
            #expect(sid.dropFirst(2).allSatisfy { "0123456789abcdef".contains($0) })
        }
        #expect(identity.callSid != CallIdentity.random(accountSid: "AC0", using: &random).callSid)
    }
}
