import Core
import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing

@testable import Realtime

/// The pipeline the upgrader builds (frame decoder, encoder, handler), fed raw bytes.
@Suite("WebSocketConnectionHandler: through the frame codec")
struct WebSocketConnectionHandlerCodecTests {
    @Test func maskedBytesInUnmaskedBytesOut() throws {
        let harness = try HandlerHarness(session: RecordingEchoSession(), withCodec: true)
        try harness.channel.writeInbound(ByteBuffer(bytes: TestFrames.wire(opcode: 0x1, Array("hi".utf8))))
        #expect(try harness.sentBytes() == [0x81, 0x02, 0x68, 0x69])
        try harness.channel.writeInbound(ByteBuffer(bytes: TestFrames.wire(opcode: 0x9, [0x2A])))
        #expect(try harness.sentBytes() == [0x8A, 0x01, 0x2A])
    }

    @Test func aFrameLongerThanTheMessageLimitIs1009() throws {
        let session = RecordingSession()
        let harness = try HandlerHarness(
            configuration: configuration { $0.maxMessageSize = 64 },
            session: session,
            withCodec: true
        )
        // Only the header arrives: the decoder refuses the announced length before any payload.
        let header = TestFrames.wire(opcode: 0x2, [], announcedLength: 200)
        try harness.channel.writeInbound(ByteBuffer(bytes: header))
        let sent = try harness.sentBytes()
        #expect(sent.count >= 4)
        #expect(sent.first == 0x88)
        #expect(Array(sent.dropFirst(2).prefix(2)) == [0x03, 0xF1])
        #expect(session.received.isEmpty)
        try expectClosedOnce(harness, { session.closes }, code: 1009, initiator: .server)
    }

    @Test func aFragmentedPingFromTheDecoderIs1002() throws {
        let session = RecordingSession()
        let harness = try HandlerHarness(session: session, withCodec: true)
        try harness.channel.writeInbound(ByteBuffer(bytes: TestFrames.wire(opcode: 0x9, [1], fin: false)))
        let sent = try harness.sentBytes()
        #expect(Array(sent.dropFirst(2).prefix(2)) == [0x03, 0xEA])
        try expectClosedOnce(harness, { session.closes }, code: 1002, initiator: .server)
    }
}
