public import Core
public import NIOCore
import Synchronization

/// Ready when every event loop runs a task within the limit: a blocked loop stalls every socket on
/// it, which no other check would notice.
public struct EventLoopCheck: ReadinessCheck {
    public let name = "event_loops"
    private let group: any EventLoopGroup
    private let limit: Duration

    public init(group: any EventLoopGroup, limit: Duration = .milliseconds(250)) {
        self.group = group
        self.limit = limit
    }

    public func check() async -> ReadinessReport {
        var slowest = Duration.zero
        for loop in self.group.makeIterator() {
            guard let latency = await self.latency(of: loop), latency <= self.limit else {
                return ReadinessReport(isReady: false, detail: "an event loop did not answer within \(self.limit)")
            }
            slowest = max(slowest, latency)
        }
        let microseconds = slowest.components.seconds * 1_000_000 + slowest.components.attoseconds / 1_000_000_000_000
        return ReadinessReport(isReady: true, detail: "ok, slowest answer \(microseconds) µs")
    }

    /// How long `loop` took to start a task, read on the loop itself; nil if it has not started it
    /// after `limit`. The clock is read on the loop because this task, and the timer racing it, wait
    /// for the cooperative pool: a busy pool resuming them late says nothing about the loop.
    private func latency(of loop: any EventLoop) async -> Duration? {
        let clock = ContinuousClock()
        let ranAt = Mutex<ContinuousClock.Instant?>(nil)
        let submitted = clock.now
        let ran = loop.submit { ranAt.withLock { $0 = clock.now } }
        await withTaskGroup(of: Void.self) { tasks in
            tasks.addTask { _ = try? await ran.get() }
            tasks.addTask { try? await Task.sleep(for: self.limit) }
            await tasks.next()
            tasks.cancelAll()
        }
        return ranAt.withLock { $0 }.map { $0 - submitted }
    }
}
