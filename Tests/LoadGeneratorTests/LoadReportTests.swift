import Foundation
import Histogram
import Testing

@testable import LoadGenerator

/// The JSON summary: the numbers a reader needs, in the units it names.
@Suite struct LoadReportTests {
    private func statistics() -> LoopStatistics {
        var statistics = LoopStatistics()
        statistics.callsConnected = 9
        statistics.fail("upgrade refused: HTTP 404 Not Found")
        statistics.fail("later error")
        statistics.framesSent = 1000
        statistics.framesEchoed = 990
        statistics.framesLost = 8
        statistics.stalledCalls = 1
        statistics.stalledFramesSent = 100
        statistics.stalledFramesEchoed = 98
        statistics.stalledFramesLost = 2
        statistics.gaps = 1
        statistics.skippedFrames = 3
        for microseconds in 1...1000 { statistics.recordLatency(nanoseconds: UInt64(microseconds) * 1000) }
        return statistics
    }

    private func report(_ statistics: LoopStatistics) -> LoadReport {
        var configuration = LoadGeneratorConfiguration()
        configuration.calls = 10
        return LoadReport(
            statistics: statistics,
            configuration: configuration,
            durationSeconds: 12.3456,
            serverMemory: .init(pid: 42, startKiB: 10_000, peakKiB: 12_000, endKiB: 11_000, perCallKiB: 100),
            countersBefore: [#"switchboard_ws_queue_dropped_total{queue="outbound"}"#: 5],
            countersAfter: [#"switchboard_ws_queue_dropped_total{queue="outbound"}"#: 12]
        )
    }

    @Test func slowConsumersAreCountedApart() {
        let report = self.report(self.statistics())
        #expect(report.calls.failed == 2)
        #expect(report.calls.firstError == "upgrade refused: HTTP 404 Not Found")
        #expect(report.frames.sent == 900)
        #expect(report.frames.echoed == 892)
        #expect(report.frames.lost == 8)
        #expect(report.slowConsumers == .init(calls: 1, framesSent: 100, framesEchoed: 98, framesLost: 2))
        #expect(report.frames.perCall == 1500)
        #expect(report.durationSeconds == 12.346)
    }

    @Test func percentilesAreMilliseconds() {
        let latency = self.report(self.statistics()).latencyMs
        #expect(latency.samples == 1000)
        #expect(abs(latency.p50 - 0.5) < 0.002)
        #expect(abs(latency.p90 - 0.9) < 0.002)
        #expect(abs(latency.p99 - 0.99) < 0.002)
        #expect(abs(latency.max - 1.0) < 0.002)
    }

    @Test func noEchoesGiveZeroesNotGarbage() {
        let latency = LatencySummary(LoopStatistics.makeHistogram())
        #expect(latency.samples == 0)
        #expect(
            [latency.p50, latency.p90, latency.p99, latency.p999, latency.max, latency.mean].allSatisfy { $0 == 0 })
    }

    @Test func serverCountersShowTheirDelta() {
        let counters = self.report(self.statistics()).serverCounters
        #expect(counters.count == 1)
        #expect(counters.first?.start == 5)
        #expect(counters.first?.end == 12)
        #expect(counters.first?.delta == 7)
    }

    @Test func jsonHasTheDocumentedShape() throws {
        let text = self.report(self.statistics()).json()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        for key in [
            "calls", "frames", "slowConsumers", "latencyMs", "serverMemory", "serverCounters", "durationSeconds",
            "configuration",
        ] {
            #expect(object[key] != nil, "\(key)")
        }
        let latency = try #require(object["latencyMs"] as? [String: Any])
        #expect(Set(latency.keys) == ["samples", "p50", "p90", "p99", "p99_9", "max", "mean"])
        let memory = try #require(object["serverMemory"] as? [String: Any])
        #expect(memory["startKiB"] as? Int == 10_000)
        #expect(memory["perCallKiB"] as? Double == 100)
        let calls = try #require(object["calls"] as? [String: Any])
        #expect(calls["requested"] as? Int == 10)
        // The report round-trips, so tooling can read it back.
        let decoded = try JSONDecoder().decode(LoadReport.self, from: Data(text.utf8))
        #expect(decoded.frames == self.report(self.statistics()).frames)
    }

    @Test func mergingLoopsAddsEverything() {
        var total = LoopStatistics()
        total.add(self.statistics())
        total.add(self.statistics())
        #expect(total.framesSent == 2000)
        #expect(total.callsFailed == 4)
        #expect(total.latency.totalCount == 2000)
        #expect(total.firstError == "upgrade refused: HTTP 404 Not Found")
    }

    @Test func progressLineIsCompact() {
        let progress = LoadProgress(
            elapsedSeconds: 12, callsActive: 480, callsRequested: 500, callsFailed: 0, framesSentPerSecond: 24_000,
            framesEchoedPerSecond: 23_990, p99Milliseconds: 1.2345, serverRSSKiB: 87_347)
        #expect(progress.line == "t=12s calls=480/500 failed=0 sent/s=24000 echoed/s=23990 p99=1.235ms rss=85.3MiB")
        var quiet = progress
        quiet.p99Milliseconds = nil
        quiet.serverRSSKiB = nil
        #expect(quiet.line.hasSuffix("p99=-"))
    }
}
