import Foundation
import Histogram
import Testing

@testable import LoadGenerator

/// The JSON summary and the progress line: the numbers a reader needs, in the units they name,
/// and never the API key.
@Suite struct HeartbeatReportTests {
    private func statistics() -> HeartbeatStatistics {
        var statistics = HeartbeatStatistics()
        statistics.agentsCreated = 10
        statistics.sessionsCreated = 1000
        statistics.setupRetries = 2
        statistics.serverHeartbeatInterval = 5
        statistics.serverHeartbeatTimeout = 10
        statistics.warmup.sent = 50
        statistics.warmup.acknowledged = 50
        statistics.measured.sent = 1990
        statistics.measured.acknowledged = 1980
        statistics.measured.otherStatus = [404: 6, 503: 1]
        statistics.measured.connectionErrors = 2
        statistics.measured.timedOut = 1
        statistics.measured.skipped = 4
        statistics.measured.unsent = 6
        statistics.measured.due = 2000
        statistics.firstUnexpectedResponse = "HTTP 404: {}"
        statistics.connects = 9
        statistics.connectionFailed("connect: refused")
        statistics.connectionFailed("later")
        for microseconds in 1...1000 { statistics.recordLatency(nanoseconds: UInt64(microseconds) * 1000) }
        for microseconds in 1...100 { statistics.recordSendDelay(nanoseconds: UInt64(microseconds) * 1000) }
        return statistics
    }

    private func configuration() -> HeartbeatConfiguration {
        var configuration = HeartbeatConfiguration()
        configuration.apiKey = "very-secret-key-0123"
        configuration.sessions = 1000
        configuration.agents = 10
        configuration.intervalSeconds = 5
        configuration.durationSeconds = 10
        return configuration
    }

    private func report() -> HeartbeatReport {
        HeartbeatReport(
            statistics: self.statistics(), configuration: self.configuration(), agentSeconds: 0.05,
            sessionSeconds: 0.25, measuredSeconds: 10, durationSeconds: 12.34567,
            server: .init(pid: 42, cpuPercent: 41.26, cpuSeconds: 4.1234, rssStartKiB: 1, rssEndKiB: 3, rssPeakKiB: 4),
            generatorCPUPercent: 38.46)
    }

    @Test func setupRatesAndBeatCounts() {
        let report = self.report()
        #expect(report.agents == .init(requested: 10, created: 10, seconds: 0.05, perSecond: 200))
        #expect(report.sessions == .init(requested: 1000, created: 1000, seconds: 0.25, perSecond: 4000))
        #expect(report.setupRetries == 2)
        #expect(report.serverHeartbeatInterval == 5)
        #expect(report.heartbeats.targetPerSecond == 200)
        #expect(report.heartbeats.scheduled == 2000)
        #expect(report.heartbeats.sentPerSecond == 199)
        #expect(report.heartbeats.beats.otherStatus == ["404": 6, "503": 1])
        #expect(report.heartbeats.beats.acknowledged == 1980)
        #expect(report.heartbeats.beats.skipped == 4)
        #expect(report.heartbeats.firstUnexpectedResponse == "HTTP 404: {}")
        #expect(report.warmup.sent == 50)
        #expect(report.connections == .init(requested: 128, connects: 9, errors: 2, firstError: "connect: refused"))
        #expect(report.server?.cpuPercent == 41.3)
        #expect(report.generatorCPUPercent == 38.5)
        #expect(report.server?.cpuSeconds == 4.123)
        #expect(report.durationSeconds == 12.346)
    }

    @Test func percentilesAreMilliseconds() {
        let latency = self.report().latencyMs
        #expect(latency.samples == 1000)
        #expect(abs(latency.p50 - 0.5) < 0.002)
        #expect(abs(latency.p90 - 0.9) < 0.002)
        #expect(abs(latency.p99 - 0.99) < 0.002)
        #expect(abs(latency.p999 - 0.999) < 0.002)
        #expect(abs(latency.max - 1.0) < 0.002)
        let sendDelay = self.report().sendDelayMs
        #expect(sendDelay.samples == 100)
        #expect(abs(sendDelay.p99 - 0.099) < 0.002)
    }

    @Test func theJSONHasTheFiguresAndNotTheKey() throws {
        let json = self.report().json()
        #expect(!json.contains("very-secret-key"))
        #expect(!json.contains("apiKey"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let latency = try #require(object["latencyMs"] as? [String: Any])
        #expect(latency["p99_9"] != nil)
        let sendDelay = try #require(object["sendDelayMs"] as? [String: Any])
        #expect(sendDelay["samples"] as? Int == 100)
        let heartbeats = try #require(object["heartbeats"] as? [String: Any])
        let beats = try #require(heartbeats["beats"] as? [String: Any])
        #expect((beats["otherStatus"] as? [String: Int]) == ["404": 6, "503": 1])
        let configuration = try #require(object["configuration"] as? [String: Any])
        #expect(configuration["sessions"] as? Int == 1000)
        // And it reads back, the key left at its default.
        let decoded = try JSONDecoder().decode(HeartbeatReport.self, from: Data(json.utf8))
        #expect(decoded.configuration.apiKey == "")
        #expect(decoded.heartbeats == self.report().heartbeats)
    }

    @Test func loopsAddUp() {
        var first = self.statistics()
        first.phase = .heartbeats
        var other = self.statistics()
        other.phase = .sessions
        let total = HeartbeatStatistics(merging: [first, other])
        #expect(total.measured.otherStatus == [404: 12, 503: 2])
        #expect(total.measured.sent == 3980)
        #expect(total.latency.totalCount == 2000)
        #expect(total.sendDelay.totalCount == 200)
        #expect(total.phase == .sessions, "the earliest loop's phase")
        #expect(HeartbeatStatistics(merging: [first]).phase == .heartbeats)
        #expect(total.firstConnectionError == "connect: refused")
    }

    @Test func progressLines() {
        var progress = HeartbeatProgress(
            elapsedSeconds: 3, phase: .sessions, agentsCreated: 100, agentsRequested: 100, sessionsCreated: 23_000,
            sessionsRequested: 100_000, sessionsPerSecond: 7650, sentPerSecond: 3800, acknowledgedPerSecond: 3799,
            otherStatus: 0, errors: 0, skipped: 0, inFlight: 12, queued: 0, p99Milliseconds: nil,
            serverCPUPercent: 97.4, serverRSSKiB: 215_552)
        #expect(
            progress.line
                == "t=3s sessions agents=100/100 sessions=23000/100000 created/s=7650 beats/s=3800 ok/s=3799"
                + " non204=0 errors=0 skipped=0 inflight=12 queued=0 p99=- cpu=97% rss=210.5MiB")
        progress.phase = .heartbeats
        progress.p99Milliseconds = 1.2344
        progress.serverCPUPercent = nil
        progress.serverRSSKiB = nil
        #expect(
            progress.line
                == "t=3s heartbeats sessions=23000/100000 beats/s=3800 ok/s=3799 non204=0 errors=0 skipped=0"
                + " inflight=12 queued=0 p99=1.234ms")
        progress.stealPercents = [12.4, 0]
        #expect(progress.line.hasSuffix(" p99=1.234ms steal=12/0%"))
    }

    @Test func calmSecondsKeepOnlySecondsWithoutSteal() throws {
        var second = LoopStatistics.makeHistogram()
        for microseconds in 1...100 { second.record(UInt64(microseconds)) }
        var calm = CalmSeconds()
        calm.add(second: second, stealPercents: [0.5, 1.9])
        calm.add(second: second, stealPercents: [0, 2.0])  // one CPU at the limit: not calm
        calm.add(second: second, stealPercents: nil)
        calm.add(second: second, stealPercents: [])
        calm.add(second: LoopStatistics.makeHistogram(), stealPercents: [0, 0])  // no beats answered
        #expect(calm.seconds == 1)
        #expect(calm.latency.totalCount == 100)
        let report = HeartbeatReport(
            statistics: self.statistics(), configuration: self.configuration(), agentSeconds: 0.05,
            sessionSeconds: 0.25, measuredSeconds: 10, durationSeconds: 12, calm: calm)
        #expect(report.calmSeconds == 1)
        #expect(report.calmLatencyMs?.samples == 100)
        #expect(report.calmLatencyMs?.max == 0.1)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        #expect(object["calmSeconds"] as? Int == 1)
        #expect(self.report().calmSeconds == nil)
    }

    @Test func stealFromProcStat() throws {
        // The first line sums all CPUs and is skipped; the eighth value of a cpuN line is steal.
        let earlier = try #require(
            CPUStealSample(
                stat: """
                    cpu  300 0 100 1000 0 0 0 100 0 0
                    cpu0 100 0 50 500 0 0 0 50 0 0
                    cpu1 200 0 50 500 0 0 0 50 0 0
                    intr 12345
                    """))
        #expect(earlier.cpus == [.init(steal: 50, total: 700), .init(steal: 50, total: 800)])
        let later = try #require(
            CPUStealSample(stat: "cpu0 150 0 50 500 0 0 0 100 0 0\ncpu1 250 0 50 600 0 0 0 50 0 0\n"))
        #expect(later.stealPercents(since: earlier) == [50, 0])
        #expect(earlier.stealPercents(since: later) == nil)
        // Without a steal field (old kernels) steal reads as none.
        #expect(CPUStealSample(stat: "cpu0 1 2 3 4\n")?.cpus == [.init(steal: 0, total: 10)])
        #expect(CPUStealSample(stat: "intr 1\n") == nil)
        #expect(CPUStealSample(stat: "cpu0 a b\n") == nil)
        #expect(try #require(CPUStealSample.now()).cpus.count >= 1)
    }

    @Test func serverCPUFromProcStat() throws {
        // The command name may hold spaces and parentheses; the fields are counted after it.
        let stat = "1234 (switch (board) x) S 1 1234 1234 0 -1 4194560 5000 0 0 0 250 75 0 0 20 0 3 0 100 0 0"
        #expect(ProcessCPU.ticks(stat: stat) == 325)
        #expect(ProcessCPU.ticks(stat: "1234 (short) S 1 2") == nil)
        #expect(ProcessCPU.ticks(stat: "garbage") == nil)
        let start = CPUSample(ticks: 1000, uptimeNanoseconds: 0)
        let end = CPUSample(ticks: 1050, uptimeNanoseconds: 2_000_000_000)
        #expect(end.seconds(since: start, ticksPerSecond: 100) == 0.5)
        #expect(end.percent(since: start, ticksPerSecond: 100) == 25)
        #expect(start.percent(since: end, ticksPerSecond: 100) == nil)
        // This process is running this test: it has used some CPU.
        let own = try #require(ProcessCPU.ticks(pid: ProcessInfo.processInfo.processIdentifier))
        #expect(own > 0)
        #expect(ProcessCPU.ticksPerSecond > 0)
    }
}
