import Foundation
import NIOCore
import NIOPosix
import SwitchboardTestSupport
import Testing

/// The probe the fault tests rely on: leaving out time spent waiting for a CPU must not hide a loop
/// that is blocked.
@Suite("Event loop stall probe")
struct EventLoopStallProbeTests {
    @Test func aLoopBlockedInASleepingCallIsSeen() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let probe = EventLoopStallProbe(group)
        try await Task.sleep(for: .milliseconds(50))
        // Blocked, not runnable: none of it is waiting for a CPU.
        _ = try await group.next().submit { usleep(300_000) }.get()
        try await Task.sleep(for: .milliseconds(50))
        probe.stop()
        #expect(probe.maximumLateness >= .milliseconds(250), "saw \(probe.maximumLateness)")
        try await group.shutdownGracefully()
    }

    @Test func aLoopBusyOnTheCPUIsSeen() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let probe = EventLoopStallProbe(group)
        try await Task.sleep(for: .milliseconds(50))
        // 300 ms of the thread's own CPU time, not of the wall clock: other tests may keep this
        // thread waiting for a CPU part of the time, and that part is left out.
        try await group.next().submit { spinOnTheCPU(for: .milliseconds(300)) }.get()
        try await Task.sleep(for: .milliseconds(50))
        probe.stop()
        #expect(probe.maximumLateness >= .milliseconds(250), "saw \(probe.maximumLateness)")
        try await group.shutdownGracefully()
    }
}
