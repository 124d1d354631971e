import ArgumentParser
import Foundation
import LoadGenerator

/// `switchboard heartbeats`: plays N client consoles against the sessions API of a Switchboard on
/// this machine: creates agents and sessions, heartbeats every session on a fixed phase, and
/// reports the acknowledgement latency, the answers that were not 204, and the server's CPU.
struct HeartbeatLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heartbeats",
        abstract: "Create N sessions and heartbeat them open-loop; report ack latency, failures and server CPU.",
        discussion: """
            Creates --agents agents (POST /v1/agents), then --sessions sessions (POST /v1/sessions, \
            session i for agent i % agents), then heartbeats every session once per --interval \
            (POST /v1/sessions/{id}/heartbeat) for --duration seconds. Session i beats at \
            i * interval / sessions into each interval, so the load is a steady sessions / interval \
            per second; latency is measured from each heartbeat's scheduled time (open loop). Sessions \
            created early already beat while the rest are created, so none expires; those warm-up \
            beats are reported apart. Requests share --connections keep-alive HTTP/1.1 connections, \
            one request at a time each. Progress goes to stderr once a second; the JSON summary to \
            --json (stdout by default). Only loopback targets are allowed.
            """
    )

    @Option(help: "Server address: 127.0.0.0/8, localhost or ::1 only.") var host = "127.0.0.1"
    @Option(help: "Server port.") var port = 8080
    @Option(
        name: .customLong("api-key"), help: "Sent as X-API-Key on every request (an admin key: agents are created).")
    var apiKey: String
    @Option(help: "Sessions created and kept alive.") var sessions = 100_000
    @Option(help: "Agents created first; sessions are spread over them.") var agents = 100
    @Option(help: "Seconds between two heartbeats of one session.") var interval = 5.0
    @Option(help: "Seconds of measured heartbeating once every session exists.") var duration = 30.0
    @Option(help: "Keep-alive HTTP/1.1 connections, one request in flight each.") var connections = 128
    @Option(help: "Creation requests in flight at once (heartbeats always go first).") var setupConcurrency = 64
    @Option(help: "Seconds the agents and sessions may take to create before the run gives up.")
    var setupTimeout = 600.0
    @Option(help: "Seconds a request may take before its connection is closed.") var requestTimeout = 5.0
    @Option(
        name: .customLong("server-pid"),
        help: "Sample this process's CPU (/proc/PID/stat) and VmRSS over the measured phase.")
    var serverPid: Int32?
    @Option(help: "Where the JSON summary goes; - is stdout.") var json = "-"
    @Option(help: "Event loop threads.") var threads = 1
    @Flag(help: "No progress lines.") var quiet = false

    func run() async throws {
        var configuration = HeartbeatConfiguration()
        configuration.host = self.host
        configuration.port = self.port
        configuration.apiKey = self.apiKey
        configuration.sessions = self.sessions
        configuration.agents = self.agents
        configuration.intervalSeconds = self.interval
        configuration.durationSeconds = self.duration
        configuration.connections = self.connections
        configuration.setupConcurrency = self.setupConcurrency
        configuration.setupTimeoutSeconds = self.setupTimeout
        configuration.requestTimeoutSeconds = self.requestTimeout
        configuration.serverPID = self.serverPid
        configuration.threads = self.threads
        try await LoadCommand.run(
            "heartbeats", quiet: self.quiet, json: self.json, validate: { try configuration.validate() },
            { line in try await HeartbeatLoadGenerator(configuration: configuration).run { line($0.line) } },
            summary: { $0.json() })
    }
}
