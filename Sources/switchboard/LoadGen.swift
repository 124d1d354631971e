import ArgumentParser
import Foundation
import LoadGenerator

/// `switchboard loadgen`: plays the telephony provider for N concurrent Twilio Media Streams calls
/// against a Switchboard on this machine and reports round-trip latency, loss and server memory.
struct LoadGen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loadgen",
        abstract: "Drive N concurrent media-stream calls against /v1/media and report latency and loss.",
        discussion: """
            Each call connects, upgrades, sends connected and start, then one media message every \
            --frame-ms (open loop: latency is measured from each frame's scheduled time), then stop \
            and a close. Progress goes to stderr once a second; the JSON summary to --json (stdout by \
            default). Only loopback targets are allowed.
            """
    )

    @Option(help: "Server address: 127.0.0.0/8, localhost or ::1 only.") var host = "127.0.0.1"
    @Option(help: "Server port.") var port = 8080
    @Option(help: "WebSocket endpoint.") var path = "/v1/media"
    @Option(help: "Concurrent calls.") var calls = 100
    @Option(help: "Seconds of media per call.") var duration = 30.0
    @Option(help: "Seconds over which call starts are spread.") var rampUp = 5.0
    @Option(name: .customLong("frame-ms"), help: "Milliseconds between media messages.") var frameMs = 20
    @Option(help: "Mu-law bytes per media message.") var payloadBytes = 160
    @Option(help: "Sent as start.customParameters.app.") var app = "echo"
    @Option(help: "Slow consumers: this many calls stop reading after --stall-after seconds but keep sending.")
    var stall = 0
    @Option(help: "Seconds of media before the slow consumers stop reading.") var stallAfter = 2.0
    @Option(help: "Seconds a call waits for missing echoes after its last frame.") var drain = 2.0
    @Option(name: .customLong("server-pid"), help: "Sample this process's VmRSS once a second.") var serverPid: Int32?
    @Option(help: "Server metrics scraped before and after the run.") var metricsPath = "/metrics"
    @Flag(help: "Do not scrape the server's metrics.") var noMetrics = false
    @Option(help: "Where the JSON summary goes; - is stdout.") var json = "-"
    @Option(help: "Event loop threads.") var threads = 1
    @Flag(help: "No progress lines.") var quiet = false

    func run() async throws {
        var configuration = LoadGeneratorConfiguration()
        configuration.host = self.host
        configuration.port = self.port
        configuration.path = self.path
        configuration.calls = self.calls
        configuration.durationSeconds = self.duration
        configuration.rampUpSeconds = self.rampUp
        configuration.frameMilliseconds = self.frameMs
        configuration.payloadBytes = self.payloadBytes
        configuration.app = self.app
        configuration.stallCalls = self.stall
        configuration.stallAfterSeconds = self.stallAfter
        configuration.drainSeconds = self.drain
        configuration.serverPID = self.serverPid
        configuration.metricsPath = self.noMetrics ? nil : self.metricsPath
        configuration.threads = self.threads
        try await LoadCommand.run(
            "loadgen", quiet: self.quiet, json: self.json, validate: { try configuration.validate() },
            { line in try await LoadGenerator(configuration: configuration).run { line($0.line) } },
            summary: { $0.json() })
    }
}
