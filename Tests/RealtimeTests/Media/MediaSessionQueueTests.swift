import Core
import Media
import NIOCore
import NIOWebSocket
import Testing

@testable import Realtime

@Suite("Media session: receive and send queues on an EmbeddedChannel")
struct MediaSessionQueueTests {
    @Test("A full send queue drops the oldest audio, counts it, and keeps every mark")
    func sendQueueDropsOldestAudioKeepsMarks() throws {
        let media = try MediaSessionHarness(sendQueue: 4)
        try media.start()
        media.harness.setWritable(false)
        try media.media(1)
        try media.mark("a")
        for byte in UInt8(2)...9 { try media.media(byte) }
        try media.mark("b")
        #expect(try media.sent().isEmpty)
        media.harness.setWritable(true)
        // Capacity 4, marks included: the oldest audio makes room for the newest and for mark b;
        // mark a keeps its place ahead of the audio sent after it.
        #expect(try media.sent() == ["mark(a)", "media(8)", "media(9)", "mark(b)"])
        #expect(media.harness.metric("switchboard_ws_queue_dropped_total", [("queue", "outbound")]) == 7)
        let statistics = try #require(media.app.call as? MediaSession).sendQueueDepth
        #expect(statistics == 0)
    }

    @Test("clear discards the audio still queued here and is itself never dropped")
    func clearDiscardsQueuedAudio() throws {
        let media = try MediaSessionHarness(sendQueue: 4)
        try media.start()
        media.harness.setWritable(false)
        for byte in UInt8(1)...3 { try media.media(byte) }
        try media.dtmf("*")
        try media.media(4)
        media.harness.setWritable(true)
        #expect(try media.sent() == ["clear", "media(4)"])
        // Discarded on purpose, not lost to overflow.
        #expect(media.harness.metric("switchboard_ws_queue_dropped_total", [("queue", "outbound")]) == 0)
    }

    @Test("While the app pauses, the receive queue holds events, drops the oldest audio, keeps DTMF and marks")
    func receiveQueueDropsOldestAudio() throws {
        let media = try MediaSessionHarness(receiveQueue: 3)
        try media.start()
        try media.dtmf("p")
        for byte in UInt8(1)...5 { try media.media(byte) }
        try media.dtmf("5")
        try media.media(6)
        #expect(media.app.received == ["dtmf(p)"])
        let session = try #require(media.app.call as? MediaSession)
        // Capacity 3: audio 1-4 made room for newer events; the DTMF digit is never dropped.
        #expect(session.receiveQueueStatistics.dropped == 4)
        #expect(session.receiveQueueStatistics.highWaterMark == 3)
        #expect(media.metrics.value("switchboard_media_queue_dropped_total", [("queue", "receive")]) == 4)
        session.resumeReceiving()
        #expect(media.app.received == ["dtmf(p)", "media(5)", "dtmf(5)", "media(6)"])
        // Once drained, events go straight to the app again.
        try media.media(7)
        #expect(media.app.received.last == "media(7)")
    }

    @Test("Events before start are counted and ignored; no start in time closes with 1008")
    func startDeadline() throws {
        let media = try MediaSessionHarness(startTimeout: .seconds(5))
        try media.media(1)
        #expect(media.metrics.value("switchboard_media_messages_ignored_total", [("reason", "before_start")]) == 1)
        media.harness.advance(by: .seconds(4))
        #expect(try media.harness.sent().isEmpty)
        media.harness.advance(by: .seconds(1))
        #expect(try media.harness.sent().map(\.summary) == ["close(1008)"])
    }

    @Test("A binary frame closes with 1003 and JSON that is not an object with 1007")
    func badFrames() throws {
        let binary = try MediaSessionHarness()
        try binary.harness.receive(TestFrames.client(.binary, [1, 2, 3]))
        #expect(try binary.harness.sent().map(\.summary) == ["close(1003)"])
        let notJSON = try MediaSessionHarness()
        try notJSON.send("[1,2,3]")
        #expect(try notJSON.harness.sent().map(\.summary) == ["close(1007)"])
    }

    @Test("stop publishes call.ended with the stream's figures and closes with 1000")
    func stopReportsTheCall() async throws {
        let media = try MediaSessionHarness(sendQueue: 2)
        let events = media.bus.subscribe(bufferSize: 16)
        try media.start()
        media.harness.setWritable(false)
        for byte in UInt8(1)...4 { try media.media(byte) }
        try media.send(#"{"event":"media","sequenceNumber":"9","media":{"payload":"BQ=="}}"#)
        try media.send(#"{"event":"stop","sequenceNumber":"10"}"#)
        var iterator = events.makeAsyncIterator()
        guard case .call(let started) = await iterator.next(), case .call(let ended) = await iterator.next() else {
            Issue.record("expected call events")
            return
        }
        #expect(started.kind == .started)
        #expect(started.streamSid == "MZ1")
        #expect(ended.kind == .ended)
        let summary = try #require(ended.summary)
        #expect(summary.reason == "stop")
        #expect(summary.mediaReceived == 5)
        #expect(summary.messagesLost == 3)
        #expect(summary.sendDropped == 3)
        #expect(summary.sendHighWaterMark == 2)
        media.harness.setWritable(true)
        #expect(try media.harness.sent().map(\.summary).last == "close(1000)")
    }
}
