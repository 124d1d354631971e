import Core
import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing

@testable import Realtime

@Suite("WebSocketConnectionHandler: inbound queue")
struct WebSocketConnectionHandlerInboundQueueTests {
    private func open(
        _ policy: OverflowPolicy = .close,
        capacity: Int = 8,
        pausedFromTheStart: Bool = true
    ) throws -> (HandlerHarness, RecordingSession, WebSocketConnection) {
        let session = RecordingSession()
        if pausedFromTheStart { session.onOpen = { $0.pauseReceiving() } }
        let harness = try HandlerHarness(
            configuration: configuration {
                $0.inboundQueue = BoundedQueueConfiguration(capacity: capacity, policy: policy)
            },
            session: session
        )
        return (harness, session, try #require(session.connection))
    }

    @Test func aPausedSessionHasMessagesQueuedUntilItResumes() throws {
        let (harness, session, connection) = try self.open()
        try harness.receive(TestFrames.text("a"), TestFrames.text("b"), TestFrames.binary([3]))
        #expect(session.received.isEmpty)
        #expect(connection.queueStatistics.inboundDepth == 3)
        #expect(connection.queueStatistics.inboundHighWaterMark == 3)
        connection.resumeReceiving()
        #expect(session.received == [text("a"), text("b"), .binary(ByteBuffer(bytes: [3]))])
        #expect(connection.queueStatistics.inboundDepth == 0)
        try harness.receive(TestFrames.text("d"))
        #expect(session.receivedTexts.last == "d")
    }

    @Test func pausingInsideReceiveQueuesTheRestOfTheBurst() throws {
        let (harness, session, connection) = try self.open(pausedFromTheStart: false)
        session.onReceive = { message, connection in
            if message == text("stop") { connection.pauseReceiving() }
        }
        harness.beginBurst(TestFrames.text("a"), TestFrames.text("stop"), TestFrames.text("b"), TestFrames.text("c"))
        harness.endBurst()
        #expect(session.receivedTexts == ["a", "stop"])
        #expect(connection.queueStatistics.inboundDepth == 2)
        connection.resumeReceiving()
        #expect(session.receivedTexts == ["a", "stop", "b", "c"])
    }

    @Test func pausingAgainWhileQueuedMessagesAreDeliveredStopsThere() throws {
        let (harness, session, connection) = try self.open()
        try harness.receive(TestFrames.text("a"), TestFrames.text("b"), TestFrames.text("c"))
        session.onReceive = { message, connection in
            if message == text("a") { connection.pauseReceiving() }
        }
        connection.resumeReceiving()
        #expect(session.receivedTexts == ["a"])
        #expect(connection.queueStatistics.inboundDepth == 2)
        connection.resumeReceiving()
        #expect(session.receivedTexts == ["a", "b", "c"])
    }

    @Test func resumingInsideReceiveDoesNotReorder() throws {
        let (harness, session, connection) = try self.open()
        try harness.receive(TestFrames.text("a"), TestFrames.text("b"), TestFrames.text("c"))
        session.onReceive = { _, connection in
            connection.pauseReceiving()
            connection.resumeReceiving()
        }
        connection.resumeReceiving()
        #expect(session.receivedTexts == ["a", "b", "c"])
    }

    @Test func repliesSentWhileResumingAreFlushed() throws {
        let (harness, session, connection) = try self.open()
        session.onReceive = { message, connection in connection.send(message) }
        try harness.receive(TestFrames.text("a"), TestFrames.text("b"))
        #expect(try harness.sent().isEmpty)
        connection.resumeReceiving()
        #expect(try harness.sent().map(\.summary) == ["text(a)", "text(b)"])
    }

    @Test func theClosePolicyClosesWithTheOverflowCode() throws {
        let (harness, session, _) = try self.open(.close, capacity: 2)
        try harness.receive(TestFrames.text("a"), TestFrames.text("b"))
        #expect(try harness.sent().isEmpty)
        try harness.receive(TestFrames.text("c"))
        #expect(try harness.sent().map(\.summary) == ["close(1008)"])
        #expect(harness.metric("switchboard_ws_queue_dropped_total", [("queue", "inbound")]) == 1)
        #expect(harness.metric("switchboard_ws_queue_overflow_closes_total") == 1)
        try harness.receive(TestFrames.close(code: 1008))
        #expect(session.received.isEmpty)
        try expectClosedOnce(harness, { session.closes }, code: 1008, initiator: .server)
    }

    @Test func dropOldestKeepsTheNewest() throws {
        let (harness, session, connection) = try self.open(.dropOldest, capacity: 2)
        try harness.receive(TestFrames.text("a"), TestFrames.text("b"), TestFrames.text("c"))
        #expect(connection.queueStatistics.inboundDropped == 1)
        #expect(harness.metric("switchboard_ws_queue_dropped_total", [("queue", "inbound")]) == 1)
        connection.resumeReceiving()
        #expect(session.receivedTexts == ["b", "c"])
        #expect(!harness.isClosed)
    }

    @Test func dropNewestKeepsTheOldest() throws {
        let (harness, session, connection) = try self.open(.dropNewest, capacity: 2)
        try harness.receive(TestFrames.text("a"), TestFrames.text("b"), TestFrames.text("c"))
        #expect(connection.queueStatistics.inboundDropped == 1)
        connection.resumeReceiving()
        #expect(session.receivedTexts == ["a", "b"])
    }

    /// The session's `connection` is only valid until `closed`; nothing may reach it after that.
    @Test func nothingIsDeliveredAfterClosed() throws {
        let (harness, session, connection) = try self.open()
        try harness.receive(TestFrames.text("a"), TestFrames.close(code: 1000))
        #expect(session.closes.count == 1)
        connection.resumeReceiving()
        #expect(session.received.isEmpty)
        try expectClosedOnce(harness, { session.closes }, code: 1000, initiator: .peer)
    }
}
