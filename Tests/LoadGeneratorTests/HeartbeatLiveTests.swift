import Core
import Foundation
import REST
import SwitchboardTestSupport
import Testing

@testable import LoadGenerator

/// The heartbeat generator against a real in-process server and its sessions API.
@Suite(.serialized) struct HeartbeatLiveTests {
    private func configuration(port: Int) -> HeartbeatConfiguration {
        var configuration = HeartbeatConfiguration()
        configuration.port = port
        configuration.apiKey = TestAPIKeys.admin
        configuration.sessions = 300
        configuration.agents = 3
        configuration.intervalSeconds = 1
        configuration.durationSeconds = 2
        configuration.connections = 8
        configuration.threads = 2
        return configuration
    }

    private static func unlimited(_ configuration: inout SwitchboardConfiguration) {
        configuration.rateLimitPerMinute = 0
    }

    /// Every scheduled heartbeat is sent and acknowledged with a 204, the load is the schedule's,
    /// and the server's CPU is sampled (the server is this process).
    @Test func everyHeartbeatIsAcknowledged() async throws {
        var configuration = self.configuration(port: 0)
        configuration.serverPID = ProcessInfo.processInfo.processIdentifier
        let frozen = configuration
        let report = try await withSwitchboardServer(configure: Self.unlimited) { running in
            var configuration = frozen
            configuration.port = running.port
            return try await HeartbeatLoadGenerator(configuration: configuration).run()
        }
        #expect(report.agents.created == 3)
        #expect(report.sessions.created == 300)
        #expect(report.sessions.perSecond > 0)
        #expect(report.setupRetries == 0)
        #expect(report.serverHeartbeatInterval == 5)
        #expect(report.serverHeartbeatTimeout == 10)
        let beats = report.heartbeats.beats
        // 600 on the schedule; a loop that hears of the measured phase late (CI once delayed the
        // hop past the lead) counts its first beats as warm-up, and every figure follows that count.
        let scheduled = report.heartbeats.scheduled
        #expect((594...600).contains(scheduled))
        #expect(beats.sent == scheduled)
        #expect(beats.skipped == 0 && beats.unsent == 0)
        #expect(beats.acknowledged == scheduled, "first other: \(report.heartbeats.firstUnexpectedResponse ?? "-")")
        #expect(beats.otherStatus.isEmpty)
        #expect(beats.connectionErrors == 0 && beats.timedOut == 0)
        #expect(report.warmup.otherStatus.isEmpty)
        #expect(report.latencyMs.samples == scheduled)
        // Every beat was acknowledged, so each one's send delay is a part of its latency.
        #expect(report.sendDelayMs.samples == scheduled)
        #expect(report.sendDelayMs.p99 <= report.latencyMs.p99 && report.sendDelayMs.max <= report.latencyMs.max)
        // Calm seconds are a subset of the measured beats (the kernel here reports steal).
        let calmSeconds = try #require(report.calmSeconds)
        let calm = try #require(report.calmLatencyMs)
        #expect(calmSeconds <= Int(report.heartbeats.seconds) + 1)
        #expect(calm.samples <= report.latencyMs.samples)
        #expect(calmSeconds == 0 ? calm.samples == 0 : calm.samples > 0)
        // A sanity bound only (a debug build on 2 shared cores); the figures come from the release bench.
        #expect(report.latencyMs.p99 < 1000, "p99 \(report.latencyMs.p99) ms")
        #expect(report.heartbeats.targetPerSecond == 300)
        #expect(abs(report.heartbeats.sentPerSecond - 300) <= 3)
        #expect(report.connections.errors == 0, "\(report.connections.firstError ?? "")")
        #expect(report.connections.connects == 8)
        #expect(report.server?.cpuPercent != nil)
        #expect((report.generatorCPUPercent ?? 0) > 0, "the generator's own CPU was not read")
        #expect(report.server?.rssPeakKiB != nil)
        #expect(report.durationSeconds < 15)
    }

    /// Sessions ended in the middle of the measured phase answer their heartbeats with 410: those
    /// are counted by status, and everything sent is accounted for.
    @Test func endedSessionsAreCountedByStatus() async throws {
        var configuration = self.configuration(port: 0)
        configuration.sessions = 100
        configuration.agents = 2
        configuration.intervalSeconds = 0.5
        configuration.durationSeconds = 3
        configuration.connections = 4
        configuration.threads = 1
        let frozen = configuration
        let (measuring, started) = AsyncStream.makeStream(of: Void.self)
        let (report, ended) = try await withSwitchboardServer(configure: Self.unlimited) { running in
            var configuration = frozen
            configuration.port = running.port
            let run = configuration
            return try await withThrowingTaskGroup(of: HeartbeatReport?.self) { tasks in
                tasks.addTask {
                    // The stream ends with the run, so the wait below cannot outlive it.
                    defer { started.finish() }
                    return try await HeartbeatLoadGenerator(configuration: run).run { progress in
                        if progress.phase == .heartbeats { started.yield() }
                    }
                }
                // Once heartbeats are measured, end 20 sessions through the API.
                var ended = 0
                var iterator = measuring.makeAsyncIterator()
                if await iterator.next() != nil {
                    let api = APIClient(port: running.port)
                    let list = try await api.get("/v1/sessions?state=active&limit=20")
                    for session in list.items {
                        guard let id = session["id"] as? String else { continue }
                        if try await api.delete("/v1/sessions/\(id)").status < 300 { ended += 1 }
                    }
                }
                let report = try await tasks.next() ?? nil
                return (try #require(report), ended)
            }
        }
        #expect(ended == 20)
        let beats = report.heartbeats.beats
        let other = beats.otherStatus.values.reduce(0, +)
        #expect(other > 0, "no heartbeat of an ended session was refused")
        #expect(Set(beats.otherStatus.keys).isSubset(of: ["404", "410"]), "\(beats.otherStatus)")
        #expect(report.heartbeats.firstUnexpectedResponse?.hasPrefix("HTTP 4") == true)
        #expect(beats.acknowledged + other + beats.connectionErrors + beats.timedOut == beats.sent)
        #expect(beats.sent + beats.skipped + beats.unsent == report.heartbeats.scheduled)
        // The other 80 sessions kept beating: at least their share of the phase was acknowledged.
        #expect(beats.acknowledged >= 80 * 5)
        #expect(report.latencyMs.samples == UInt64(beats.acknowledged))
        #expect(report.sendDelayMs.samples == UInt64(beats.sent))
    }

    /// Creating agents needs an admin key: with an agent key the set-up fails with the status.
    @Test func aRefusedCreationStopsTheRun() async throws {
        let error = await #expect(throws: LoadGeneratorError.self) {
            try await withSwitchboardServer(configure: Self.unlimited) { running in
                var configuration = self.configuration(port: running.port)
                configuration.apiKey = TestAPIKeys.agent
                return try await HeartbeatLoadGenerator(configuration: configuration).run()
            }
        }
        #expect(
            error?.description.hasPrefix("set-up failed: POST /v1/agents: HTTP 403") == true,
            "\(error.map { "\($0)" } ?? "")")
    }

    /// Nothing listening: connections fail and are retried, and the set-up gives up on time.
    @Test func aMissingServerEndsWithinTheSetupTimeout() async throws {
        let freePort = try await withSwitchboardServer { $0.port }
        var configuration = self.configuration(port: freePort)
        configuration.setupTimeoutSeconds = 1
        let started = ContinuousClock.now
        let error = await #expect(throws: LoadGeneratorError.self) {
            try await HeartbeatLoadGenerator(configuration: configuration).run()
        }
        #expect(
            error?.description.hasPrefix("set-up failed: not finished within 1.0 s (0 agents, 0 sessions)") == true,
            "\(error.map { "\($0)" } ?? "")")
        #expect(ContinuousClock.now - started < .seconds(10))
    }
}
