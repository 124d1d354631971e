import Core
import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing

@testable import Realtime

@Suite("WebSocketConnectionHandler: messages")
struct WebSocketConnectionHandlerMessageTests {
    @Test func theEchoSessionReturnsTextAndBinary() throws {
        var echo = EchoEndpoint.defaultConfiguration
        echo.pingInterval = nil
        echo.idleTimeout = nil
        let harness = try HandlerHarness(configuration: echo, session: EchoSession())
        #expect(harness.metric("switchboard_ws_connections") == 1)

        try harness.receive(TestFrames.text("hello ✓"))
        try harness.receive(TestFrames.binary([0, 1, 0xFF]))
        try harness.receive(TestFrames.text("frag", fin: false), TestFrames.continuation("mented"))
        #expect(try harness.sent().map(\.summary) == ["text(hello ✓)", "binary([0, 1, 255])", "text(fragmented)"])
        #expect(harness.metric("switchboard_ws_messages_received_total") == 3)
        #expect(harness.metric("switchboard_ws_messages_sent_total") == 3)
    }

    @Test func theSessionIsOpenedOnceWithTheRequest() throws {
        let session = RecordingSession()
        let harness = try HandlerHarness(session: session)
        #expect(session.openedCount == 1)
        #expect(session.connection?.request.route == HandlerHarness.route)
        #expect(session.connection?.eventLoop === harness.loop)
        #expect(session.closes.isEmpty)
    }

    @Test func writesInAReadBurstAreFlushedOnceAtReadComplete() throws {
        let harness = try HandlerHarness(session: RecordingEchoSession())
        let flushesBefore = harness.flushes.count
        harness.beginBurst(TestFrames.text("one"), TestFrames.text("two"), TestFrames.binary([3]))
        #expect(try harness.sent().isEmpty)
        #expect(harness.flushes.count == flushesBefore)
        harness.endBurst()
        #expect(try harness.sent().map(\.summary) == ["text(one)", "text(two)", "binary([3])"])
        #expect(harness.flushes.count == flushesBefore + 1)
    }

    @Test func aSendOutsideAReadBurstIsFlushedAtOnce() throws {
        let session = RecordingSession()
        let harness = try HandlerHarness(session: session)
        let connection = try #require(session.connection)
        #expect(connection.send(text("pushed")))
        #expect(try harness.sent().map(\.summary) == ["text(pushed)"])
    }

    @Test func aPingIsAnsweredWithAPong() throws {
        let session = RecordingSession()
        let harness = try HandlerHarness(session: session)
        try harness.receive(TestFrames.ping(Array("are you there".utf8)))
        #expect(try harness.sent().map(\.summary) == ["pong(are you there)"])
        #expect(session.received.isEmpty)
    }

    @Test func sendsAfterCloseAreRefused() throws {
        let session = RecordingSession()
        let harness = try HandlerHarness(session: session)
        let connection = try #require(session.connection)
        connection.close()
        _ = try harness.sent()
        #expect(!connection.send(text("too late")))
        #expect(try harness.sent().isEmpty)
    }
}
