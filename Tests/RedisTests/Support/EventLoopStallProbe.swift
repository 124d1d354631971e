import NIOCore
import Synchronization

/// Measures how late each event loop of a group runs a task scheduled every 10 ms: a loop blocked
/// by anything (a blocking call, a busy wait) shows as lateness.
final class EventLoopStallProbe: Sendable {
    private let worst = Mutex<TimeAmount>(.zero)
    private let tasks: Mutex<[RepeatedTask]> = Mutex([])

    /// Starts probing every loop of `group`.
    init(_ group: any EventLoopGroup, interval: TimeAmount = .milliseconds(10)) {
        for loop in group.makeIterator() {
            let last = NIOLoopBoundBox.makeBoxSendingValue(loop.now, eventLoop: loop)
            let task = loop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
                let now = loop.now
                let lateness = now - (last.value + interval)
                last.value = now
                self.worst.withLock { $0 = max($0, lateness) }
            }
            self.tasks.withLock { $0.append(task) }
        }
    }

    /// The worst lateness so far.
    var maximumLateness: TimeAmount { self.worst.withLock { $0 } }

    func stop() {
        for task in self.tasks.withLock({ $0 }) { task.cancel() }
    }
}
