import Core
import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing

@testable import Realtime

@Suite("WebSocketConnectionHandler: closing")
struct WebSocketConnectionHandlerClosingTests {
    @Test func aProtocolErrorSendsCloseThenClosesAfterTheCloseTimeout() throws {
        let session = RecordingSession()
        let harness = try HandlerHarness(
            configuration: configuration { $0.closeTimeout = .seconds(3) }, session: session)
        try harness.receive(TestFrames.client(.text, Array("unmasked".utf8), masked: false))
        #expect(try harness.sent().map(\.summary) == ["close(1002)"])
        #expect(session.received.isEmpty)
        harness.advance(by: .seconds(3) - .milliseconds(1))
        #expect(!harness.isClosed)
        harness.advance(by: .milliseconds(1))
        #expect(try harness.sent().isEmpty)
        try expectClosedOnce(harness, { session.closes }, code: 1002, initiator: .server)
    }

    @Test func thePeersCloseAfterOursClosesAtOnce() throws {
        let session = RecordingSession()
        let harness = try HandlerHarness(session: session)
        try harness.receive(TestFrames.continuation("orphan"))
        #expect(try harness.sent().map(\.summary) == ["close(1002)"])
        try harness.receive(TestFrames.text("discarded"))
        #expect(!harness.isClosed)
        try harness.receive(TestFrames.close(code: 1002))
        #expect(try harness.sent().isEmpty)
        #expect(session.received.isEmpty)
        try expectClosedOnce(harness, { session.closes }, code: 1002, initiator: .server)
    }

    @Test func aPeerCloseIsEchoedAndTheChannelClosed() throws {
        let session = RecordingSession()
        let harness = try HandlerHarness(session: session)
        try harness.receive(TestFrames.close(1000, reason: "bye"))
        let sent = try harness.sent()
        #expect(sent.map(\.summary) == ["close(1000)"])
        // The echo carries the code alone.
        #expect(sent.first?.payloadBytes == [0x03, 0xE8])
        try expectClosedOnce(harness, { session.closes }, code: 1000, initiator: .peer)
    }

    @Test func aPeerCloseWithoutCodeIsAnsweredWithoutCode() throws {
        let session = RecordingSession()
        let harness = try HandlerHarness(session: session)
        try harness.receive(TestFrames.close(code: nil))
        let sent = try harness.sent()
        #expect(sent.map(\.summary) == ["close(-)"])
        #expect(sent.first?.payloadBytes == [])
        try expectClosedOnce(harness, { session.closes }, code: nil, initiator: .peer)
    }

    @Test func anInvalidCloseCodeIsAnsweredWith1002() throws {
        let session = RecordingSession()
        let harness = try HandlerHarness(session: session)
        try harness.receive(TestFrames.close(code: 1005))
        #expect(try harness.sent().map(\.summary) == ["close(1002)"])
        try expectClosedOnce(harness, { session.closes }, code: 1002, initiator: .server)
    }

    @Test func theSessionClosesAndThePeerAnswers() throws {
        let session = RecordingSession()
        let harness = try HandlerHarness(session: session)
        let connection = try #require(session.connection)
        connection.close(.init(rawValue: 4000), reason: "done here")
        let sent = try harness.sent()
        #expect(sent.map(\.summary) == ["close(4000)"])
        #expect(sent.first?.payloadBytes == [0x0F, 0xA0] + Array("done here".utf8))
        connection.close(.normalClosure)
        #expect(try harness.sent().isEmpty)
        try harness.receive(TestFrames.text("in flight"))
        #expect(session.received.isEmpty)
        try harness.receive(TestFrames.close(code: 4000))
        #expect(try harness.sent().isEmpty)
        try expectClosedOnce(harness, { session.closes }, code: 4000, initiator: .server)
    }

    @Test func aLongCloseReasonIsCutToFitAControlFrame() throws {
        let session = RecordingSession()
        let harness = try HandlerHarness(session: session)
        try #require(session.connection).close(.normalClosure, reason: String(repeating: "é", count: 100))
        let frame = try #require(try harness.sent().first)
        #expect(frame.payloadBytes.count <= 125)
        #expect(frame.payloadBytes.count == 2 + 122)
        #expect(String(validating: frame.payloadBytes.dropFirst(2), as: UTF8.self) != nil)
    }

    @Test func shutdownClosesWith1001() throws {
        let session = RecordingSession()
        let harness = try HandlerHarness(session: session)
        harness.channel.pipeline.syncOperations.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        #expect(try harness.sent().map(\.summary) == ["close(1001)"])
        try harness.receive(TestFrames.close(code: 1001))
        try expectClosedOnce(harness, { session.closes }, code: 1001, initiator: .server)
    }

    @Test func anOverlongFrameFromTheDecoderIs1009AndDisconnects() throws {
        let session = RecordingSession()
        let harness = try HandlerHarness(session: session)
        harness.channel.pipeline.syncOperations.fireErrorCaught(NIOWebSocketError.invalidFrameLength)
        #expect(try harness.sent().map(\.summary) == ["close(1009)"])
        try expectClosedOnce(harness, { session.closes }, code: 1009, initiator: .server)
    }

    @Test func anotherErrorDropsTheConnectionWithoutAHandshake() throws {
        struct SocketReset: Error {}
        let session = RecordingSession()
        let harness = try HandlerHarness(session: session)
        harness.channel.pipeline.syncOperations.fireErrorCaught(SocketReset())
        #expect(try harness.sent().isEmpty)
        try expectClosedOnce(harness, { session.closes }, code: nil, initiator: .transport)
    }

    @Test func aPeerThatShutsItsWriteSideIsDroppedAtOnce() throws {
        let session = RecordingSession()
        let harness = try HandlerHarness(session: session)
        harness.channel.pipeline.syncOperations.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(try harness.sent().isEmpty)
        try expectClosedOnce(harness, { session.closes }, code: nil, initiator: .transport)
    }

    @Test func inputClosedAfterOurCloseKeepsOurCode() throws {
        let session = RecordingSession()
        let harness = try HandlerHarness(session: session)
        try #require(session.connection).close(.goingAway)
        harness.channel.pipeline.syncOperations.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(try harness.sent().map(\.summary) == ["close(1001)"])
        try expectClosedOnce(harness, { session.closes }, code: 1001, initiator: .server)
    }

    @Test func theTransportGoingAwayIsReported() throws {
        let session = RecordingSession()
        let harness = try HandlerHarness(session: session)
        try harness.receive(TestFrames.text("hi"))
        harness.channel.close(promise: nil)
        try expectClosedOnce(harness, { session.closes }, code: nil, initiator: .transport)
        #expect(harness.metric("switchboard_ws_messages_received_total") == 1)
    }
}
