import Core
import Foundation
import NIOCore
import NIOPosix
import REST
import SwitchboardTestSupport
import Synchronization
import Testing

/// The `event_loops` readiness check on a loop of its own, so the loop's latency is the test's to set.
///
/// Two tests keep a CPU busy, one with a real-time thread: `scripts/test.sh` runs this suite in a
/// pass of its own, since beside other suites they stall those suites' event loops.
@Suite struct EventLoopCheckTests {
    @Test func aBlockedLoopIsNotReadyBeforeItIsFreeAndReadyAfter() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let check = EventLoopCheck(group: group, limit: .milliseconds(250))
        _ = await check.check()  // the loop's thread id is known from here on
        let free = Atomic(false)
        let blocked = group.next().submit {
            usleep(2_000_000)
            free.store(true, ordering: .sequentiallyConsistent)
        }

        let during = await check.check()
        #expect(!during.isReady, "\(during.detail)")
        #expect(during.detail == "an event loop did not answer within 0.25 seconds")
        let wasFree = free.load(ordering: .sequentiallyConsistent)
        #expect(!wasFree, "the answer waited for the loop to be free")

        _ = try await blocked.get()
        let after = await check.check()
        #expect(after.isReady, "\(after.detail)")
        try await group.shutdownGracefully()
    }

    /// The latency is the loop's, read on the loop: a task queued behind 100 ms of work waits that long.
    @Test func theSlowestAnswerIsTheLoopsOwnLatency() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let check = EventLoopCheck(group: group, limit: .seconds(5))
        _ = await check.check()
        group.next().execute { usleep(100_000) }

        let report = await check.check()
        #expect(report.isReady, "\(report.detail)")
        let microseconds = report.detail.split(separator: " ").dropFirst(3).first.flatMap { Int($0) }
        #expect((microseconds ?? 0) >= 90_000, "\(report.detail)")
        try await group.shutdownGracefully()
    }

    /// A loop sharing one CPU with four spinning threads: 80 ms of its own work takes four or five
    /// times that by the wall clock, and only the 80 ms count.
    @Test func timeWaitingForACPUDoesNotCount() async throws {
        let cpu = 0
        let (group, check) = try await checkedLoop(pinnedToCPU: cpu)

        let spinners = await Spinners.start(count: 4, onCPU: cpu, realTime: false, for: .seconds(3))
        defer { spinners.stop() }
        group.next().execute { spinOnTheCPU(for: .milliseconds(80)) }
        let clock = ContinuousClock()
        let started = clock.now
        let report = await check.check()
        let took = clock.now - started
        spinners.stop()

        #expect(report.isReady, "\(report.detail)")
        // The loop was kept waiting (otherwise this test shows nothing), and its own work counted.
        #expect(took > .milliseconds(250), "the check answered in \(took)")
        let microseconds = report.detail.split(separator: " ").dropFirst(3).first.flatMap { Int($0) }
        #expect((microseconds ?? 0) >= 70_000, "\(report.detail)")
        try await group.shutdownGracefully()
    }

    /// A loop kept off its CPU for 600 ms on end by a real-time thread: its waiting total is not
    /// brought up to date until it runs, and the check must not take it for blocked meanwhile.
    @Test(.enabled(if: realTimeSchedulingIsAllowed(), "needs CAP_SYS_NICE for SCHED_FIFO"))
    func aLoopWaitingForACPUOnEndIsNotTakenForBlocked() async throws {
        let cpu = 0
        let (group, check) = try await checkedLoop(pinnedToCPU: cpu)

        let spinner = await Spinners.start(count: 1, onCPU: cpu, realTime: true, for: .milliseconds(600))
        defer { spinner.stop() }
        let clock = ContinuousClock()
        let started = clock.now
        let report = await check.check()
        let took = clock.now - started

        #expect(report.isReady, "\(report.detail)")
        #expect(took > .milliseconds(400), "the check answered in \(took)")
        try await group.shutdownGracefully()
    }
}

/// Threads pinned to one CPU that spin until stopped or for `duration`; made once they all spin.
private final class Spinners: Sendable {
    private let stopped = Atomic(false)

    private init() {}

    static func start(count: Int, onCPU cpu: Int, realTime: Bool, for duration: Duration) async -> Spinners {
        let spinners = Spinners()
        let spinning = Atomic(0)
        for _ in 0..<count {
            Thread {
                try? pinCurrentThread(toCPU: cpu)
                if realTime { try? useRealTimeScheduling() }
                spinning.add(1, ordering: .sequentiallyConsistent)
                let clock = ContinuousClock()
                let end = clock.now + duration
                while !spinners.stopped.load(ordering: .relaxed), clock.now < end {}
            }.start()
        }
        // A thread is slow to start on a loaded machine: the test must not begin before they spin.
        while spinning.load(ordering: .sequentiallyConsistent) < count { try? await Task.sleep(for: .milliseconds(1)) }
        return spinners
    }

    func stop() {
        self.stopped.store(true, ordering: .relaxed)
    }
}

/// A one-loop group whose thread is pinned to `cpu`, and a 250 ms check of it that has run once (so
/// it knows the loop's thread).
private func checkedLoop(pinnedToCPU cpu: Int) async throws -> (MultiThreadedEventLoopGroup, EventLoopCheck) {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let check = EventLoopCheck(group: group, limit: .milliseconds(250))
    _ = try await group.next().submit { try pinCurrentThread(toCPU: cpu) }.get()
    _ = await check.check()
    return (group, check)
}

struct SchedulingError: Error { let call: String }

/// Pins the calling thread to one CPU.
private func pinCurrentThread(toCPU cpu: Int) throws {
    var set = cpu_set_t()
    withUnsafeMutableBytes(of: &set) { $0[cpu / 8] = UInt8(1 << (cpu % 8)) }
    // Glibc exports it only under _GNU_SOURCE, so it is looked up by name.
    typealias SetAffinity = @convention(c) (pid_t, Int, UnsafeRawPointer) -> Int32
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sched_setaffinity") else {
        throw SchedulingError(call: "dlsym sched_setaffinity")
    }
    let setAffinity = unsafeBitCast(symbol, to: SetAffinity.self)
    guard withUnsafeBytes(of: &set, { setAffinity(0, $0.count, $0.baseAddress!) }) == 0 else {
        throw SchedulingError(call: "sched_setaffinity")
    }
}

/// Whether this process may put a thread in `SCHED_FIFO`: tried on a thread of its own.
private func realTimeSchedulingIsAllowed() -> Bool {
    let allowed = Atomic(false)
    let done = DispatchSemaphore(value: 0)
    Thread {
        allowed.store((try? useRealTimeScheduling()) != nil, ordering: .sequentiallyConsistent)
        done.signal()
    }.start()
    done.wait()
    return allowed.load(ordering: .sequentiallyConsistent)
}

private func useRealTimeScheduling() throws {
    var parameters = sched_param()
    parameters.sched_priority = 1
    guard sched_setscheduler(0, SCHED_FIFO, &parameters) == 0 else {
        throw SchedulingError(call: "sched_setscheduler")
    }
}
