import Histogram
import NIOCore
import NIOPosix

/// Plays the telephony provider's side of many concurrent calls against a Media Streams endpoint
/// and measures the round trip of every frame.
///
/// One ``LoopDriver`` per event loop owns its calls; this type only starts them, samples progress
/// and the server's memory once a second, and assembles the ``LoadReport``.
public struct LoadGenerator: Sendable {
    public let configuration: LoadGeneratorConfiguration

    public init(configuration: LoadGeneratorConfiguration) {
        self.configuration = configuration
    }

    /// Runs until every call has finished (bounded by ramp-up + duration + drain) and returns the
    /// summary. Throws only when the run could not happen at all: invalid options, a host that does
    /// not resolve to loopback, or no call connecting.
    ///
    /// - Parameter progress: called about once a second from a background task.
    public func run(progress: @escaping @Sendable (LoadProgress) -> Void = { _ in }) async throws -> LoadReport {
        let configuration = self.configuration
        try configuration.validate()
        let address = try Self.resolve(configuration)
        return try await LoadEventLoops.run(threads: configuration.threads) { group in
            try await self.run(address: address, group: group, progress: progress)
        }
    }

    private func run(
        address: SocketAddress,
        group: MultiThreadedEventLoopGroup,
        progress: @escaping @Sendable (LoadProgress) -> Void
    ) async throws -> LoadReport {
        let configuration = self.configuration
        var metricsError: String?
        var countersBefore: [String: Double]?
        if let path = configuration.metricsPath {
            do {
                countersBefore = MetricsScrape.samples(
                    in: try await MetricsScrape.fetch(
                        address: address, host: configuration.host, port: configuration.port, path: path, group: group))
            } catch {
                metricsError = "before the run: \(error)"
            }
        }
        var memory = configuration.serverPID.map(MemorySamples.init(pid:))

        var random = FastRandom()
        let payload = FramePayload(
            magic: UInt16.random(in: 1 ... .max, using: &random), byteCount: configuration.payloadBytes)
        let accountSid = CallIdentity.sid(prefix: "AC", using: &random)
        // A little ahead, so that every loop has its driver in place before tick 0.
        let runStart = NIODeadline.now().uptimeNanoseconds + 50_000_000
        let loops = Array(group.makeIterator())
        var started: [NIOLoopBound<LoopDriver>] = []
        for (position, loop) in loops.enumerated() {
            let indices = Array(stride(from: position, to: configuration.calls, by: loops.count))
            let seed = random.next()
            started.append(
                try await loop.submit {
                    let driver = LoopDriver(
                        eventLoop: loop, configuration: configuration, payload: payload, address: address,
                        runStart: runStart, accountSid: accountSid, callIndices: indices, seed: seed)
                    driver.start()
                    return NIOLoopBound(driver, eventLoop: loop)
                }.get()
            )
        }
        let drivers = started
        let finished = EventLoopFuture.andAllSucceed(
            try await Self.onLoops(drivers) { $0.finished }, on: group.next())

        let initialMemory = memory
        let sampled = try await withThrowingTaskGroup(of: MemorySamples?.self) { tasks in
            tasks.addTask {
                try await finished.get()
                return nil
            }
            tasks.addTask {
                var memory = initialMemory
                await Self.reportProgress(drivers, configuration: configuration, memory: &memory, progress: progress)
                return memory
            }
            _ = try await tasks.next()
            tasks.cancelAll()
            var sampled: MemorySamples?
            for try await result in tasks { sampled = result ?? sampled }
            return sampled
        }
        memory = sampled ?? memory
        memory?.sample()
        let elapsed = Double(NIODeadline.now().uptimeNanoseconds - runStart) / 1e9

        var statistics = LoopStatistics()
        for snapshot in try await Self.onLoops(drivers, { $0.snapshot() }) { statistics.add(snapshot) }

        var countersAfter: [String: Double]?
        if let path = configuration.metricsPath {
            do {
                countersAfter = MetricsScrape.samples(
                    in: try await MetricsScrape.fetch(
                        address: address, host: configuration.host, port: configuration.port, path: path, group: group))
            } catch {
                metricsError = metricsError ?? "after the run: \(error)"
            }
        }
        if statistics.callsConnected == 0 {
            throw LoadGeneratorError.noCallConnected(statistics.firstError ?? "unknown error")
        }
        return LoadReport(
            statistics: statistics,
            configuration: configuration,
            durationSeconds: elapsed,
            serverMemory: memory.map { samples in
                LoadReport.ServerMemory(
                    pid: samples.pid,
                    startKiB: samples.start,
                    peakKiB: samples.peak,
                    endKiB: samples.last,
                    perCallKiB: samples.start.flatMap { start in
                        samples.last.map { Double($0 - start) / Double(configuration.calls) }
                    }
                )
            },
            countersBefore: countersBefore,
            countersAfter: countersAfter,
            metricsError: metricsError
        )
    }

    /// One progress line a second until cancelled.
    private static func reportProgress(
        _ drivers: [NIOLoopBound<LoopDriver>],
        configuration: LoadGeneratorConfiguration,
        memory: inout MemorySamples?,
        progress: @Sendable (LoadProgress) -> Void
    ) async {
        var previous = LoopStatistics()
        var second = 0
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: .seconds(1))
            } catch {
                return
            }
            second += 1
            guard let snapshots = try? await Self.onLoops(drivers, { $0.snapshot() }) else { return }
            var current = LoopStatistics()
            for snapshot in snapshots { current.add(snapshot) }
            let rss = memory?.sample()
            progress(
                LoadProgress(
                    elapsedSeconds: second,
                    callsActive: current.callsActive,
                    callsRequested: configuration.calls,
                    callsFailed: current.callsFailed,
                    framesSentPerSecond: current.framesSent - previous.framesSent,
                    framesEchoedPerSecond: current.framesEchoed - previous.framesEchoed,
                    p99Milliseconds: current.intervalP99Milliseconds,
                    serverRSSKiB: rss
                )
            )
            previous = current
        }
    }

    /// Runs `body` on each driver's loop and collects the results in order.
    private static func onLoops<T: Sendable>(
        _ drivers: [NIOLoopBound<LoopDriver>],
        _ body: @escaping @Sendable (LoopDriver) -> T
    ) async throws -> [T] {
        var results: [T] = []
        for driver in drivers {
            results.append(try await driver.eventLoop.submit { body(driver.value) }.get())
        }
        return results
    }

    /// Resolves the host once, and checks that what it resolved to is loopback too.
    static func resolve(_ configuration: LoadGeneratorConfiguration) throws -> SocketAddress {
        let address: SocketAddress
        do {
            address = try SocketAddress.makeAddressResolvingHost(
                LoopbackAddress.resolvable(configuration.host), port: configuration.port)
        } catch {
            throw LoadGeneratorError.unresolvable(configuration.host, "\(error)")
        }
        guard let ip = address.ipAddress, LoopbackAddress.isLoopback(ip) else {
            throw LoadGeneratorError.invalidOption(
                "--host", "\(configuration.host) resolves to \(address.ipAddress ?? "?"), which is not loopback")
        }
        return address
    }
}
