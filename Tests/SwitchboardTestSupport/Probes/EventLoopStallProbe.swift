public import NIOCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Measures how late each event loop of a group runs a task scheduled every 10 ms: a loop blocked
/// by anything (a blocking call, a busy wait) shows as lateness.
///
/// Time the loop's thread spent runnable but waiting for a CPU is left out (Linux's
/// `/proc/thread-self/schedstat`): on two cores shared with hundreds of tests, a runnable loop
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
                let waited = Self.runQueueWaitNanoseconds()
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

    /// The calling thread's total time runnable but not running, in ns: the second field of
    /// `/proc/thread-self/schedstat`; `nil` where there is none.
    private static func runQueueWaitNanoseconds() -> Int64? {
        #if canImport(Glibc)
            let descriptor = open("/proc/thread-self/schedstat", O_RDONLY)
            guard descriptor >= 0 else { return nil }
            defer { close(descriptor) }
            var buffer = [UInt8](repeating: 0, count: 96)
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { return nil }
            let fields = buffer[..<count].split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\n") })
            guard fields.count >= 2 else { return nil }
            return Int64(String(decoding: fields[1], as: UTF8.self))
        #else
            return nil
        #endif
    }
}
