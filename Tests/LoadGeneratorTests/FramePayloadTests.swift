import Foundation
import NIOCore
import Testing

@testable import LoadGenerator

/// The frame index travels in the payload and comes back through the server's echo.
@Suite struct FramePayloadTests {
    private func encoded(_ payload: FramePayload, frame: Int) -> [UInt8] {
        var buffer = ByteBuffer()
        payload.writeEncoded(frame: frame, into: &buffer)
        return Array(buffer.readableBytesView)
    }

    @Test(arguments: [0, 1, 255, 256, 65_536, 1_499, Int(UInt32.max)])
    func indexRoundTrips(_ frame: Int) {
        let payload = FramePayload(magic: 0x1234, byteCount: 160)
        let text = self.encoded(payload, frame: frame)
        #expect(text.count == payload.encodedCount)
        var scratch = ByteBuffer()
        let index = text.withUnsafeBytes { payload.frameIndex(encodedHeader: $0, scratch: &scratch) }
        #expect(index == frame)
    }

    @Test(arguments: [6, 7, 8, 9, 160, 161, 320])
    func wholePayloadIsValidBase64OfTheRightLength(_ byteCount: Int) throws {
        let payload = FramePayload(magic: 0x0102, byteCount: byteCount)
        let text = String(decoding: self.encoded(payload, frame: 5), as: UTF8.self)
        let bytes = try #require(Data(base64Encoded: text))
        #expect(bytes.count == byteCount)
        #expect(Array(bytes.prefix(6)) == [0x01, 0x02, 0, 0, 0, 5])
    }

    @Test func anotherRunsMagicDoesNotMatch() {
        let mine = FramePayload(magic: 0x1111, byteCount: 160)
        let theirs = FramePayload(magic: 0x2222, byteCount: 160)
        var scratch = ByteBuffer()
        let index = self.encoded(theirs, frame: 3).withUnsafeBytes {
            mine.frameIndex(encodedHeader: $0, scratch: &scratch)
        }
        #expect(index == nil)
    }

    @Test func garbageAndShortHeadersDoNotMatch() {
        let payload = FramePayload(magic: 0x1111, byteCount: 160)
        var scratch = ByteBuffer()
        for text in ["", "ERE", "!!!!!!!!", "EREAAAA"] {
            let index = Array(text.utf8).withUnsafeBytes { payload.frameIndex(encodedHeader: $0, scratch: &scratch) }
            #expect(index == nil, "\(text)")
        }
    }

    @Test func fillIsAQuietToneNotSilence() {
        let tone = FramePayload.quietTone(count: 160)
        #expect(Set(tone).count > 4)
        // Quiet: every code decodes to well under full scale.
        #expect(tone.allSatisfy { $0 & 0x7F >= 0x40 })
    }

    @Test func scannerFindsThePayloadOfTheServersEcho() {
        let message = #"{"event":"media","streamSid":"MZ00","media":{"payload":"ABCDEFGH"}}"#
        let rest = Array(message.utf8).withUnsafeBytes { bytes in
            EchoScanner.payloadStart(in: bytes).map { Array($0) }
        }
        #expect(rest.map { String(decoding: $0, as: UTF8.self) } == #"ABCDEFGH"}}"#)
    }

    @Test func scannerIgnoresMessagesWithoutPayload() {
        for message in [
            #"{"event":"mark","streamSid":"MZ","mark":{"name":"payload"}}"#, #"{"event":"clear"}"#, "", #""payload""#,
        ] {
            let found = Array(message.utf8).withUnsafeBytes { EchoScanner.payloadStart(in: $0) != nil }
            #expect(!found, "\(message)")
        }
    }
}
