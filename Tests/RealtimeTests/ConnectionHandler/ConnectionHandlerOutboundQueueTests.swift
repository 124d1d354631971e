import Core
import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing

@testable import Realtime

@Suite("WebSocketConnectionHandler: outbound queue")
struct WebSocketConnectionHandlerOutboundQueueTests {
    private func open(
        _ policy: OverflowPolicy,
        capacity: Int = 2,
        _ change: (inout WebSocketEndpointConfiguration) -> Void = { _ in }
    ) throws -> (HandlerHarness, RecordingSession, WebSocketConnection) {
        let session = RecordingSession()
        let harness = try HandlerHarness(
            configuration: configuration {
                $0.outboundQueue = BoundedQueueConfiguration(capacity: capacity, policy: policy)
                change(&$0)
            },
            session: session
        )
        return (harness, session, try #require(session.connection))
    }

    @Test func whileUnwritableSendsQueueAndDrainInOrder() throws {
        let (harness, _, connection) = try self.open(.close, capacity: 4)
        harness.setWritable(false)
        for name in ["a", "b", "c"] { #expect(connection.send(text(name))) }
        #expect(try harness.sent().isEmpty)
        #expect(connection.queueStatistics.outboundDepth == 3)
        #expect(connection.queueStatistics.outboundHighWaterMark == 3)
        harness.setWritable(true)
        #expect(try harness.sent().map(\.summary) == ["text(a)", "text(b)", "text(c)"])
        #expect(connection.queueStatistics.outboundDepth == 0)
        #expect(connection.send(text("d")))
        #expect(try harness.sent().map(\.summary) == ["text(d)"])
    }

    @Test func aSendWhileMessagesWaitQueuesBehindThem() throws {
        let (harness, _, connection) = try self.open(.close, capacity: 4)
        harness.setWritable(false)
        #expect(connection.send(text("first")))
        // Writable again, but the handler has not heard yet: order must still hold.
        harness.channel.isWritable = true
        #expect(connection.send(text("second")))
        #expect(try harness.sent().isEmpty)
        harness.channel.pipeline.syncOperations.fireChannelWritabilityChanged()
        #expect(try harness.sent().map(\.summary) == ["text(first)", "text(second)"])
    }

    @Test func dropOldestDropsTheOldestAndCountsIt() throws {
        let (harness, _, connection) = try self.open(.dropOldest)
        harness.setWritable(false)
        for name in ["1", "2", "3", "4"] { #expect(connection.send(text(name))) }
        #expect(connection.queueStatistics.outboundDropped == 2)
        #expect(harness.metric("switchboard_ws_queue_dropped_total", [("queue", "outbound")]) == 2)
        harness.setWritable(true)
        #expect(try harness.sent().map(\.summary) == ["text(3)", "text(4)"])
        #expect(!harness.isClosed)
    }

    @Test func dropNewestDropsTheNewestAndCountsIt() throws {
        let (harness, _, connection) = try self.open(.dropNewest)
        harness.setWritable(false)
        for name in ["1", "2", "3", "4"] { #expect(connection.send(text(name))) }
        #expect(connection.queueStatistics.outboundDropped == 2)
        #expect(harness.metric("switchboard_ws_queue_dropped_total", [("queue", "outbound")]) == 2)
        harness.setWritable(true)
        #expect(try harness.sent().map(\.summary) == ["text(1)", "text(2)"])
    }

    @Test func theClosePolicyClosesWithTheOverflowCode() throws {
        let (harness, session, connection) = try self.open(.close) { $0.overflowCloseCode = .slowConsumer }
        harness.setWritable(false)
        #expect(connection.send(text("1")))
        #expect(connection.send(text("2")))
        #expect(!connection.send(text("3")))
        // The close frame goes out at once; the queued messages are discarded.
        #expect(try harness.sent().map(\.summary) == ["close(4008)"])
        #expect(harness.metric("switchboard_ws_queue_overflow_closes_total") == 1)
        #expect(harness.metric("switchboard_ws_queue_dropped_total", [("queue", "outbound")]) == 1)
        harness.setWritable(true)
        #expect(try harness.sent().isEmpty)
        #expect(!connection.send(text("4")))
        try harness.receive(TestFrames.close(code: 4008))
        try expectClosedOnce(harness, { session.closes }, code: 4008, initiator: .server)
    }

    @Test func essentialMessagesSurviveDropOldest() throws {
        let (harness, _, connection) = try self.open(.dropOldest)
        harness.setWritable(false)
        connection.send(text("mark-1"), isEssential: true)
        connection.send(text("audio-1"))
        connection.send(text("audio-2"))
        connection.send(text("mark-2"), isEssential: true)
        connection.send(text("mark-3"), isEssential: true)
        connection.send(text("audio-3"))
        harness.setWritable(true)
        #expect(try harness.sent().map(\.summary) == ["text(mark-1)", "text(mark-2)", "text(mark-3)"])
        #expect(connection.queueStatistics.outboundDropped == 3)
    }

    @Test func essentialMessagesSurviveDropNewest() throws {
        let (harness, _, connection) = try self.open(.dropNewest)
        harness.setWritable(false)
        connection.send(text("audio-1"))
        connection.send(text("audio-2"))
        connection.send(text("audio-3"))
        connection.send(text("mark-1"), isEssential: true)
        harness.setWritable(true)
        #expect(try harness.sent().map(\.summary) == ["text(audio-1)", "text(audio-2)", "text(mark-1)"])
    }

    @Test func essentialMessagesDoNotTripTheClosePolicy() throws {
        let (harness, _, connection) = try self.open(.close)
        harness.setWritable(false)
        #expect(connection.send(text("1")))
        #expect(connection.send(text("2")))
        #expect(connection.send(text("mark"), isEssential: true))
        #expect(try harness.sent().isEmpty)
        harness.setWritable(true)
        #expect(try harness.sent().map(\.summary) == ["text(1)", "text(2)", "text(mark)"])
    }

    @Test func writesOfTheBurstAreFlushedBeforeQueueing() throws {
        let harness = try HandlerHarness(session: RecordingEchoSession())
        harness.beginBurst(TestFrames.text("a"))
        #expect(try harness.sent().isEmpty)
        harness.channel.isWritable = false
        harness.beginBurst(TestFrames.text("b"))
        // The kernel gets "a" now rather than at the end of the burst; "b" waits.
        #expect(try harness.sent().map(\.summary) == ["text(a)"])
        harness.endBurst()
        #expect(try harness.sent().isEmpty)
        harness.setWritable(true)
        #expect(try harness.sent().map(\.summary) == ["text(b)"])
    }

    @Test func readingPausesWhileMessagesWaitWhenConfigured() throws {
        let (harness, _, connection) = try self.open(.close) { $0.pausesReadingWhileOutboundQueued = true }
        #expect(harness.autoRead == nil)
        harness.setWritable(false)
        connection.send(text("waiting"))
        #expect(harness.autoRead == false)
        harness.setWritable(true)
        #expect(try harness.sent().map(\.summary) == ["text(waiting)"])
        #expect(harness.autoRead == true)
    }

    @Test func readingIsNotPausedUnlessConfigured() throws {
        let (harness, _, connection) = try self.open(.close)
        harness.setWritable(false)
        connection.send(text("waiting"))
        #expect(harness.autoRead == nil)
    }

    @Test func closingDiscardsQueuedMessages() throws {
        let (harness, _, connection) = try self.open(.close, capacity: 8)
        harness.setWritable(false)
        connection.send(text("a"))
        connection.send(text("b"))
        connection.close(.goingAway)
        #expect(try harness.sent().map(\.summary) == ["close(1001)"])
        harness.setWritable(true)
        #expect(try harness.sent().isEmpty)
    }

    @Test func controlFramesAreNotHeldBehindTheQueue() throws {
        let (harness, _, connection) = try self.open(.close, capacity: 8)
        harness.setWritable(false)
        connection.send(text("queued"))
        try harness.receive(TestFrames.ping([9]))
        #expect(try harness.sent().map(\.summary) == ["pong(\u{09})"])
    }
}
