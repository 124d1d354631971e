import Core
import Foundation
import Media
import REST
import SwitchboardTestSupport
import Testing

@Suite("A stalled reader drops its own audio; other calls keep their latency")
struct SlowReaderTests {
    @Test("The stalled call's send queue drops the oldest frames while a second call is echoed promptly")
    func stalledReaderDoesNotHurtOthers() async throws {
        try await withSwitchboardServer(configure: { $0.mediaSendQueue = 100 }) { server in
            let events = CallEventRecorder(bus: server.server.eventBus)
            // A small receive buffer so the stalled socket backs up after a few KB, not a few MB.
            let stalled = try await withBlockingIO { try TwilioTestCall(port: server.port, receiveBufferSize: 4096) }
            let healthy = try await withBlockingIO { try TwilioTestCall(port: server.port) }
            try await withBlockingIO {
                try stalled.start(app: "echo")
                try healthy.start(app: "echo")
                // 60 s of audio from the stalled call, never read: its echoes pile up on the server.
                for index in 0..<3000 { try stalled.sendMedia(toneFrame(seed: index % 50)) }
                // Meanwhile the healthy call runs at real time and its echoes come back quickly.
                var roundTrips: [Duration] = []
                for index in 0..<100 {
                    let frame = toneFrame(seed: 500 + index)
                    let sentAt = ContinuousClock.now
                    try healthy.sendMedia(frame)
                    #expect(TwilioTestCall.audio(of: try healthy.readEvent()) == frame)
                    roundTrips.append(ContinuousClock.now - sentAt)
                    try await Task.sleep(for: .milliseconds(20))
                }
                // A healthy call stuck behind the stalled one would wait on every frame, so the bounds
                // are on the median and the 90th round trip, not the worst: one scheduling stall of a
                // debug build sharing 2 cores with the whole suite (1.05 s was seen in CI) delays only
                // the frames sent during it. Half of the 2 s of audio the stalled call's 100-frame queue
                // holds is still far below what being stuck behind it would cost. The benchmark
                // measures the real figures.
                roundTrips.sort()
                #expect(roundTrips[49] < .milliseconds(500), "median round trip \(roundTrips[49])")
                #expect(roundTrips[89] < .seconds(1), "90th round trip \(roundTrips[89]), worst \(roundTrips[99])")
                try stalled.stop()
                try healthy.stop()
                stalled.client.close()
                try healthy.client.expectClose(code: 1000)
            }
            let stalledSummary = try #require(try await events.next(.ended, streamSid: stalled.streamSid).summary)
            let healthySummary = try #require(try await events.next(.ended, streamSid: healthy.streamSid).summary)
            #expect(stalledSummary.mediaReceived == 3000)
            #expect(stalledSummary.sendDropped > 0)
            #expect(stalledSummary.sendHighWaterMark == 100)
            #expect(healthySummary.sendDropped == 0)
            #expect(healthySummary.mediaReceived == 100)
            let dropped = server.metricsText().split(separator: "\n").first {
                $0.hasPrefix(#"switchboard_ws_queue_dropped_total{route="/v1/media",queue="outbound"}"#)
            }
            let count = dropped.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) } ?? 0
            #expect(count == Double(stalledSummary.sendDropped))
        }
    }
}
