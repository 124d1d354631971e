public import Core
public import NIOCore
import Synchronization

/// Ready when every event loop runs a task within the limit: a blocked loop stalls every socket on
/// it, which no other check would notice.
///
/// Time a loop's thread spent runnable but waiting for a CPU does not count (``ThreadScheduling``). A
/// machine or a container quota short of CPU delays every thread alike; taking the instance out of
/// rotation for it would flap, and no other instance would fare better. Under two busy cores the
/// tests saw loops wait up to a second for a CPU, on the CPU for a fraction of that.
public struct EventLoopCheck: ReadinessCheck {
    public let name = "event_loops"
    private let group: any EventLoopGroup
    private let limit: Duration
    private let threads: EventLoopThreads
    /// However the time splits, a loop that has not run the task after this long is not ready.
    static let giveUp = Duration.seconds(5)

    public init(group: any EventLoopGroup, limit: Duration = .milliseconds(250)) {
        self.group = group
        self.limit = limit
        self.threads = EventLoopThreads(group)
    }

    public func check() async -> ReadinessReport {
        var slowest = Duration.zero
        for loop in self.group.makeIterator() {
            guard let latency = await self.latency(of: loop), latency <= self.limit else {
                return ReadinessReport(isReady: false, detail: "an event loop did not answer within \(self.limit)")
            }
            slowest = max(slowest, latency)
        }
        return ReadinessReport(isReady: true, detail: "ok, slowest answer \(slowest.microseconds) µs")
    }

    /// How long `loop` took to start a task, less the time its thread waited for a CPU meanwhile;
    /// `nil` if, before the task started, the thread spent more than `limit` on the CPU (busy) or
    /// off it without waiting for one (blocked in a call), or ``giveUp`` passed. The start is read
    /// on the loop itself: this task waits for the cooperative pool, and its being resumed late
    /// says nothing about the loop.
    private func latency(of loop: any EventLoop) async -> Duration? {
        let clock = ContinuousClock()
        // Learnt when the check was made; a loop that has not run that task yet is waited for.
        guard let thread = await self.poll(since: clock.now, clock: clock, { self.threads.id(of: loop) }) else {
            return nil
        }
        let started = clock.now
        let before = ThreadScheduling.times(ofThread: thread)
        let answer = Mutex<(ranAt: ContinuousClock.Instant, times: ThreadScheduling.Times?)?>(nil)
        loop.execute { answer.withLock { $0 = (clock.now, ThreadScheduling.timesOfCurrentThread()) } }
        let ran = await self.poll(
            since: started, clock: clock,
            abandonIf: { self.isStuck(thread, since: started, before, clock: clock) },
            { answer.withLock { $0 } })
        guard let ran else { return nil }
        return ran.ranAt - started - Self.waiting(from: before, to: ran.times)
    }

    /// Whether `thread`, with the task not started yet, is busy or blocked past the limit. A thread
    /// waiting for a CPU right now is neither; its waiting total is stale until it gets one, so
    /// only the state says so.
    private func isStuck(
        _ thread: Int32, since started: ContinuousClock.Instant, _ before: ThreadScheduling.Times?,
        clock: ContinuousClock
    ) -> Bool {
        let elapsed = clock.now - started
        guard let before, let now = ThreadScheduling.times(ofThread: thread) else { return elapsed > self.limit }
        if .nanoseconds(now.onCPUNanoseconds - before.onCPUNanoseconds) > self.limit { return true }
        if ThreadScheduling.isRunnable(thread: thread) ?? false { return false }
        return elapsed - Self.waiting(from: before, to: now) > self.limit
    }

    /// `probe`'s first non-nil value, tried at once and then at doubling pauses of up to a fifth of
    /// the limit; `nil` if `abandonIf` holds first, ``giveUp`` after `start` passes, or the check
    /// is cancelled.
    private func poll<Value>(
        since start: ContinuousClock.Instant, clock: ContinuousClock,
        abandonIf abandon: () -> Bool = { false }, _ probe: () -> Value?
    ) async -> Value? {
        var pause = Duration.milliseconds(1)
        while true {
            if let value = probe() { return value }
            if abandon() || clock.now - start > Self.giveUp || Task.isCancelled { return nil }
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, self.limit / 5)
        }
    }

    private static func waiting(from before: ThreadScheduling.Times?, to after: ThreadScheduling.Times?) -> Duration {
        guard let before, let after, after.waitingNanoseconds >= before.waitingNanoseconds else { return .zero }
        return .nanoseconds(after.waitingNanoseconds - before.waitingNanoseconds)
    }
}
