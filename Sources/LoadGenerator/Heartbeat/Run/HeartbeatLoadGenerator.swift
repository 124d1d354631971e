import Histogram
import NIOCore
import NIOPosix
import Synchronization

/// Plays many client consoles against the sessions API: creates agents, creates sessions, then
/// heartbeats every session open-loop and measures each acknowledgement from the heartbeat's
/// scheduled time.
///
/// One ``HeartbeatDriver`` per event loop owns its connections and its share of the sessions; this
/// type only moves the run from phase to phase, samples progress and the server's CPU and memory,
/// and assembles the ``HeartbeatReport``.
///
/// Sessions created early beat while the rest are still being created (a server expires a session
/// that stays silent past its heartbeat timeout, and creating 100,000 takes longer than that); those
/// warm-up beats are counted apart. The measured phase starts once every session exists.
public struct HeartbeatLoadGenerator: Sendable {
    public let configuration: HeartbeatConfiguration

    public init(configuration: HeartbeatConfiguration) {
        self.configuration = configuration
    }

    /// Runs the whole set-up and the measured phase and returns the summary. Throws when the run
    /// could not happen: invalid options, a host that does not resolve to loopback, or a set-up that
    /// failed (a creation refused, or not done within the set-up timeout).
    ///
    /// - Parameter progress: called about once a second from a background task.
    public func run(progress: @escaping @Sendable (HeartbeatProgress) -> Void = { _ in }) async throws
        -> HeartbeatReport
    {
        try self.configuration.validate()
        let target = try HeartbeatTarget.resolve(host: self.configuration.host, port: self.configuration.port)
        return try await LoadEventLoops.run(threads: self.configuration.threads) { group in
            try await self.run(target: target, group: group, progress: progress)
        }
    }

    private func run(
        target: HeartbeatTarget,
        group: MultiThreadedEventLoopGroup,
        progress: @escaping @Sendable (HeartbeatProgress) -> Void
    ) async throws -> HeartbeatReport {
        let configuration = self.configuration
        var random = FastRandom()
        let requests = HeartbeatRequests(
            hostHeader: target.hostHeader, apiKey: configuration.apiKey, client: configuration.client,
            runTag: String(random.next() & 0xFFFF_FFFF, radix: 16))
        let interval = UInt64(configuration.intervalSeconds * 1e9)
        // Beats on the driver's ticks, unless the interval is not made of whole ticks.
        let tick = interval % HeartbeatDriver.tickNanoseconds == 0 ? HeartbeatDriver.tickNanoseconds : 1
        let schedule = HeartbeatSchedule(
            sessions: configuration.sessions, intervalNanoseconds: interval, tickNanoseconds: tick)
        let runStart = NIODeadline.now().uptimeNanoseconds + 10_000_000
        let loops = Array(group.makeIterator())
        var started: [NIOLoopBound<HeartbeatDriver>] = []
        for (thread, loop) in loops.enumerated() {
            let connections =
                configuration.connections / loops.count + (thread < configuration.connections % loops.count ? 1 : 0)
            started.append(
                try await loop.submit {
                    let driver = HeartbeatDriver(
                        eventLoop: loop, configuration: configuration, target: target, requests: requests,
                        schedule: schedule, runStart: runStart, thread: thread, threads: loops.count,
                        connections: connections, createsAgents: thread == 0)
                    driver.start()
                    return NIOLoopBound(driver, eventLoop: loop)
                }.get()
            )
        }
        let drivers = started
        let clock = RunClock(start: runStart)
        // Filled by the progress task, second by second; read by the report. `nil` without steal.
        let calm = CPUStealSample.now().map { _ in CalmSecondsBox() }

        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                await Self.reportProgress(
                    drivers, configuration: configuration, clock: clock, calm: calm, progress: progress)
            }
            do {
                let report = try await self.phases(drivers, clock: clock, calm: calm)
                tasks.cancelAll()
                return report
            } catch {
                // Stop every loop, wait for their connections to close, then report the set-up error.
                _ = try? await Self.onLoops(drivers) { $0.stop() }
                for finished in (try? await Self.onLoops(drivers, { $0.finished })) ?? [] {
                    try? await finished.get()
                }
                tasks.cancelAll()
                throw error
            }
        }
    }

    /// Agents, sessions, the measured phase, the drain.
    private func phases(
        _ drivers: [NIOLoopBound<HeartbeatDriver>],
        clock: RunClock,
        calm: CalmSecondsBox?
    ) async throws -> HeartbeatReport {
        let configuration = self.configuration
        let agentsStart = clock.now()
        guard let agentsCreated = try await Self.onLoops(Array(drivers.prefix(1)), { $0.agentsCreated }).first ?? nil
        else { preconditionFailure("the first loop creates the agents") }
        let agentIDs = try await agentsCreated.get()
        let sessionsStart = clock.now()
        for created in try await Self.onLoops(drivers, { $0.createSessions(agentIDs: agentIDs) }) {
            try await created.get()
        }
        let sessionsEnd = clock.now()

        // The measured phase, on the same clock for every loop; the lead lets every loop hear of
        // it before its first beat comes due.
        let measureStart = clock.now() + 10_000_000
        let measureEnd = measureStart + UInt64(configuration.durationSeconds * 1e9)
        _ = try await Self.onLoops(drivers) { $0.measure(from: measureStart, until: measureEnd) }
        let pid = configuration.serverPID
        var memory = pid.map(MemorySamples.init(pid:))
        let cpuStart = pid.flatMap(CPUSample.init(pid:))
        let ownCPUStart = CPUSample.ofThisProcess()
        while clock.now() < measureEnd {
            let left = measureEnd - clock.now()
            try await Task.sleep(for: .nanoseconds(Int64(min(left, 1_000_000_000))))
            memory?.sample()
        }
        let cpuEnd = pid.flatMap(CPUSample.init(pid:))
        let ownCPUEnd = CPUSample.ofThisProcess()

        for finished in try await Self.onLoops(drivers, { $0.finished }) { try await finished.get() }
        let runEnd = clock.now()

        let statistics = HeartbeatStatistics(merging: try await Self.onLoops(drivers, { $0.snapshot() }))
        let server = pid.map { pid in
            HeartbeatReport.Server(
                pid: pid,
                cpuPercent: cpuStart.flatMap { start in cpuEnd.flatMap { $0.percent(since: start) } },
                cpuSeconds: cpuStart.flatMap { start in cpuEnd.map { $0.seconds(since: start) } },
                rssStartKiB: memory?.start, rssEndKiB: memory?.last, rssPeakKiB: memory?.peak)
        }
        return HeartbeatReport(
            statistics: statistics,
            configuration: configuration,
            agentSeconds: Double(sessionsStart - agentsStart) / 1e9,
            sessionSeconds: Double(sessionsEnd - sessionsStart) / 1e9,
            measuredSeconds: Double(measureEnd - measureStart) / 1e9,
            durationSeconds: Double(runEnd) / 1e9,
            server: server,
            generatorCPUPercent: ownCPUStart.flatMap { start in ownCPUEnd.flatMap { $0.percent(since: start) } },
            calm: calm?.seconds.withLock { $0 }
        )
    }

    /// One progress line a second until cancelled.
    private static func reportProgress(
        _ drivers: [NIOLoopBound<HeartbeatDriver>],
        configuration: HeartbeatConfiguration,
        clock: RunClock,
        calm: CalmSecondsBox?,
        progress: @Sendable (HeartbeatProgress) -> Void
    ) async {
        var previous = HeartbeatStatistics()
        var cpu = configuration.serverPID.flatMap(CPUSample.init(pid:))
        var steal = CPUStealSample.now()
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: .seconds(1))
            } catch {
                return
            }
            guard let snapshots = try? await Self.onLoops(drivers, { $0.snapshot() }) else { return }
            let current = HeartbeatStatistics(merging: snapshots)
            let cpuNow = configuration.serverPID.flatMap(CPUSample.init(pid:))
            let stealNow = CPUStealSample.now()
            let stealPercents = steal.flatMap { earlier in stealNow.flatMap { $0.stealPercents(since: earlier) } }
            calm?.seconds.withLock { $0.add(second: current.intervalLatency, stealPercents: stealPercents) }
            let sent = current.warmup.sent + current.measured.sent
            let acknowledged = current.warmup.acknowledged + current.measured.acknowledged
            progress(
                HeartbeatProgress(
                    elapsedSeconds: Int(clock.now() / 1_000_000_000),
                    phase: current.phase,
                    agentsCreated: current.agentsCreated,
                    agentsRequested: configuration.agents,
                    sessionsCreated: current.sessionsCreated,
                    sessionsRequested: configuration.sessions,
                    sessionsPerSecond: current.sessionsCreated - previous.sessionsCreated,
                    sentPerSecond: sent - previous.warmup.sent - previous.measured.sent,
                    acknowledgedPerSecond: acknowledged - previous.warmup.acknowledged
                        - previous.measured.acknowledged,
                    otherStatus: current.warmup.otherStatusTotal + current.measured.otherStatusTotal,
                    errors: current.connectionErrors,
                    skipped: current.warmup.skipped + current.measured.skipped,
                    inFlight: current.inFlight,
                    queued: current.queued,
                    p99Milliseconds: current.intervalP99Milliseconds,
                    serverCPUPercent: cpu.flatMap { earlier in cpuNow.flatMap { $0.percent(since: earlier) } },
                    serverRSSKiB: configuration.serverPID.flatMap(ProcessMemory.residentKiB(pid:)),
                    stealPercents: stealPercents
                )
            )
            previous = current
            cpu = cpuNow
            steal = stealNow
        }
    }

    /// Runs `body` on each driver's loop and collects the results in order.
    private static func onLoops<T: Sendable>(
        _ drivers: [NIOLoopBound<HeartbeatDriver>],
        _ body: @escaping @Sendable (HeartbeatDriver) -> T
    ) async throws -> [T] {
        var results: [T] = []
        for driver in drivers {
            results.append(try await driver.eventLoop.submit { body(driver.value) }.get())
        }
        return results
    }
}

/// The run's clock: nanoseconds since the shared start, from the same monotonic uptime the loops read.
struct RunClock: Sendable {
    let start: UInt64

    func now() -> UInt64 {
        let uptime = NIODeadline.now().uptimeNanoseconds
        return uptime > self.start ? uptime - self.start : 0
    }
}

/// The calm seconds, shared by the progress task that adds them and the run that reports them.
final class CalmSecondsBox: Sendable {
    let seconds = Mutex(CalmSeconds())
}
