import Core
import REST
import SwitchboardTestSupport
import Testing

@testable import LoadGenerator

/// The generator against a real in-process server: every frame comes back, nothing is lost.
@Suite(.serialized) struct LiveRunTests {
    private func configuration(port: Int, path: String) -> LoadGeneratorConfiguration {
        var configuration = LoadGeneratorConfiguration()
        configuration.port = port
        configuration.path = path
        configuration.calls = 10
        configuration.durationSeconds = 2
        configuration.rampUpSeconds = 0.5
        return configuration
    }

    /// `/v1/media` with the `echo` call app: each media event answered with its payload.
    @Test func mediaEchoReturnsEveryFrame() async throws {
        let report = try await withSwitchboardServer { running in
            try await LoadGenerator(configuration: self.configuration(port: running.port, path: "/v1/media")).run()
        }
        #expect(report.calls.connected == 10)
        #expect(report.calls.failed == 0, "\(report.calls.firstError ?? "")")
        #expect(report.calls.endedByServer == 0)
        #expect(report.frames.sent == 10 * 100)
        #expect(report.frames.echoed == report.frames.sent)
        #expect(report.frames.lost == 0)
        #expect(report.frames.gaps == 0)
        #expect(report.frames.duplicates == 0)
        #expect(report.latencyMs.samples == 1000)
        // A sanity bound only: a debug build shares 2 cores with ~800 other tests (the CRM and OpenAPI
        // suites load them for seconds at a time), so a few seconds of p99 happen; ten would mean
        // echoes are stuck. Every frame being echoed (above) is the real check; latency figures
        // come from the release benchmark.
        #expect(report.latencyMs.p99 < 10_000, "p99 \(report.latencyMs.p99) ms")
        #expect(report.metricsError == nil)
        #expect(report.serverCounters.contains { $0.series.contains("/v1/media") })
        #expect(report.durationSeconds < 10)
    }

    /// `/v1/echo` returns every message verbatim, payload included: the same accounting holds, and
    /// the echoed `connected`, `start` and `stop` are the only unmatched messages.
    @Test func plainEchoReturnsEveryFrame() async throws {
        let report = try await withSwitchboardServer { running in
            try await LoadGenerator(configuration: self.configuration(port: running.port, path: "/v1/echo")).run()
        }
        #expect(report.calls.connected == 10)
        #expect(report.frames.echoed == 1000)
        #expect(report.frames.lost == 0)
        #expect(report.frames.unmatchedMessages == 30)
    }

    /// A run where nothing connects cannot report: it fails with the first call's error.
    @Test func anUnknownPathFailsWithTheStatus() async throws {
        let error = await #expect(throws: LoadGeneratorError.self) {
            try await withSwitchboardServer { running in
                try await LoadGenerator(configuration: self.configuration(port: running.port, path: "/v1/nothing"))
                    .run()
            }
        }
        #expect(error?.description == "no call connected: upgrade refused: HTTP 404 Not Found")
    }
}
