import Histogram
import NIOCore

/// Drives the calls of one event loop with a single 1 ms tick instead of a timer per frame per
/// call: calls are grouped by the phase of their frame clock, and each tick serves only the phase
/// that is due, so the work per tick is the calls that have a frame to send.
///
/// A late tick (the loop was busy) serves every phase it skipped with the current time: frames
/// go out late but keep their scheduled time, and the latency shows it.
final class LoopDriver {
    let eventLoop: any EventLoop
    let configuration: LoadGeneratorConfiguration
    let plan: RunPlan
    let payload: FramePayload
    let address: SocketAddress
    let timing: CallStateMachine.Timing
    var statistics = LoopStatistics()
    /// Uptime nanoseconds of the run's tick 0, shared by every loop.
    private let runStart: UInt64
    /// Run-relative: when anything still open is closed.
    private let hardDeadline: UInt64
    private var calls: [CallClientHandler] = []
    private var phases: [[CallClientHandler]]
    private var nextToStart = 0
    private var lastTick = -1
    private var finishedCalls = 0
    private var tickTask: Scheduled<Void>?
    private var isAborted = false
    private let done: EventLoopPromise<Void>

    /// - Parameter callIndices: the run's calls this loop drives, in start order.
    init(
        eventLoop: any EventLoop,
        configuration: LoadGeneratorConfiguration,
        payload: FramePayload,
        address: SocketAddress,
        runStart: UInt64,
        accountSid: String,
        callIndices: [Int],
        seed: UInt64
    ) {
        self.eventLoop = eventLoop
        self.configuration = configuration
        self.plan = RunPlan(configuration)
        self.payload = payload
        self.address = address
        self.runStart = runStart
        self.timing = CallStateMachine.Timing(configuration)
        self.hardDeadline =
            self.plan.lastFrameNanoseconds(handshakeNanoseconds: self.timing.connectTimeout) + self.timing.drain
            + self.timing.closeTimeout + 2_000_000_000
        self.phases = Array(repeating: [], count: self.plan.ticksPerFrame)
        self.done = eventLoop.makePromise()
        var random = FastRandom(seed: seed)
        for index in callIndices {
            let handler = CallClientHandler(
                index: index,
                startTick: self.plan.startTick(ofCall: index),
                isSlowConsumer: Self.isSlowConsumer(index, of: configuration.calls, stalling: configuration.stallCalls),
                identity: .random(accountSid: accountSid, using: &random),
                handshakeKey: (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &random) },
                maskSeed: UInt32.random(in: .min ... .max, using: &random),
                driver: self
            )
            self.calls.append(handler)
            self.phases[self.plan.phase(ofCall: index)].append(handler)
        }
        // Phase alignment can put a later call a few ticks before an earlier one.
        self.calls.sort { $0.startTick < $1.startTick }
    }

    /// Spreads `stalling` slow consumers evenly over the calls (and so over the ramp-up).
    static func isSlowConsumer(_ index: Int, of calls: Int, stalling: Int) -> Bool {
        (index + 1) * stalling / calls > index * stalling / calls
    }

    /// Succeeds when every call of this loop has finished.
    var finished: EventLoopFuture<Void> { self.done.futureResult }

    /// Run-relative nanoseconds.
    @inline(__always)
    func now() -> UInt64 {
        let uptime = NIODeadline.now().uptimeNanoseconds
        return uptime > self.runStart ? uptime - self.runStart : 0
    }

    func start() {
        if self.calls.isEmpty {
            self.done.succeed()
            return
        }
        self.scheduleTick()
    }

    /// The figures so far; the interval histogram starts over.
    func snapshot() -> LoopStatistics {
        let snapshot = self.statistics
        self.statistics.intervalLatency.reset()
        return snapshot
    }

    func callFinished() {
        self.finishedCalls += 1
        self.statistics.callsFinished = self.finishedCalls
        if self.finishedCalls == self.calls.count {
            self.tickTask?.cancel()
            self.tickTask = nil
            self.done.succeed()
        }
    }

    private var isDone: Bool { self.finishedCalls == self.calls.count }

    private func scheduleTick() {
        guard !self.isDone else { return }
        let deadline = NIODeadline.uptimeNanoseconds(
            self.runStart + UInt64(self.lastTick + 1) * RunPlan.tickNanoseconds)
        self.tickTask = self.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { self.tick() }
    }

    private func tick() {
        let now = self.now()
        let current = Int(now / RunPlan.tickNanoseconds)
        if current > self.lastTick {
            while self.nextToStart < self.calls.count, self.calls[self.nextToStart].startTick <= current {
                self.calls[self.nextToStart].connect()
                self.nextToStart += 1
            }
            let ticksPerFrame = self.plan.ticksPerFrame
            if current - self.lastTick >= ticksPerFrame {
                for phase in 0..<ticksPerFrame { self.serve(phase: phase, now: now) }
            } else {
                for tick in (self.lastTick + 1)...current { self.serve(phase: tick % ticksPerFrame, now: now) }
            }
            self.lastTick = current
        }
        if now >= self.hardDeadline, !self.isAborted {
            self.isAborted = true
            for call in self.calls { call.abort() }
        }
        self.scheduleTick()
    }

    @inline(__always)
    private func serve(phase: Int, now: UInt64) {
        for call in self.phases[phase] { call.serviceTick(now: now) }
    }
}

@available(*, unavailable)
extension LoopDriver: Sendable {}

extension CallStateMachine.Timing {
    init(_ configuration: LoadGeneratorConfiguration) {
        self.init(
            connectTimeout: UInt64(configuration.connectTimeoutSeconds * 1e9),
            drain: UInt64(configuration.drainSeconds * 1e9),
            closeTimeout: 1_000_000_000,
            stallAfter: UInt64(configuration.stallAfterSeconds * 1e9)
        )
    }
}
