import Core
import Foundation
import NIOCore
import NIOPosix
import REST
import Testing

/// The `event_loops` readiness check on a loop of its own, so the loop's latency is the test's to set.
@Suite struct EventLoopCheckTests {
    @Test func aLoopBlockedPastTheLimitIsNotReadyAndReadyOnceFree() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let check = EventLoopCheck(group: group, limit: .milliseconds(250))
        let blocked = group.next().submit { usleep(800_000) }

        let during = await check.check()
        #expect(!during.isReady, "\(during.detail)")
        #expect(during.detail == "an event loop did not answer within 0.25 seconds")

        _ = try await blocked.get()
        let after = await check.check()
        #expect(after.isReady, "\(after.detail)")
        try await group.shutdownGracefully()
    }

    /// The latency is the loop's, read on the loop: a task queued behind 100 ms of work waits that long.
    @Test func theSlowestAnswerIsTheLoopsOwnLatency() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let check = EventLoopCheck(group: group, limit: .seconds(5))
        group.next().execute { usleep(100_000) }

        let report = await check.check()
        #expect(report.isReady, "\(report.detail)")
        let microseconds = report.detail.split(separator: " ").dropFirst(3).first.flatMap { Int($0) }
        #expect((microseconds ?? 0) >= 90_000, "\(report.detail)")
        try await group.shutdownGracefully()
    }
}
