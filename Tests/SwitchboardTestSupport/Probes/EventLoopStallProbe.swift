import Core
public import NIOCore
import Synchronization

/// Measures how late each event loop of a group runs a task scheduled every 10 ms: a loop blocked
/// by anything (a blocking call, a busy wait) shows as lateness.
///
/// Time the loop's thread spent runnable but waiting for a CPU is left out (``ThreadScheduling``): on two cores shared with hundreds of tests, a runnable loop
/// kept off the CPU is the machine being busy, not the server stalling.
public final class EventLoopStallProbe: Sendable {
    private let worst = Mutex<TimeAmount>(.zero)
    private let tasks: Mutex<[RepeatedTask]> = Mutex([])

    /// Starts probing every loop of `group`.
    public init(_ group: any EventLoopGroup, interval: TimeAmount = .milliseconds(10)) {
        for loop in group.makeIterator() {
            // Made off the loop, read and written only by the loop's own task.
            let last = NIOLoopBoundBox.makeBoxSendingValue((time: loop.now, waited: Int64?.none), eventLoop: loop)
            let task = loop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
                let now = loop.now
                let waited = ThreadScheduling.timesOfCurrentThread()?.waitingNanoseconds
                var queued = TimeAmount.zero
                if let waited, let before = last.value.waited { queued = .nanoseconds(waited - before) }
                let lateness = now - (last.value.time + interval) - queued
                last.value = (now, waited)
                self.worst.withLock { $0 = max($0, lateness) }
            }
            self.tasks.withLock { $0.append(task) }
        }
    }

    /// The worst lateness so far.
    public var maximumLateness: TimeAmount { self.worst.withLock { $0 } }

    public func stop() {
        for task in self.tasks.withLock({ $0 }) { task.cancel() }
    }
}
