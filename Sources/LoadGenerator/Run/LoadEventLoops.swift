import NIOCore
import NIOPosix

/// The load generator's own event loops: made for one run and shut down after it, however it ends.
enum LoadEventLoops {
    static func run<Report: Sendable>(
        threads: Int, _ body: (MultiThreadedEventLoopGroup) async throws -> Report
    ) async throws -> Report {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        do {
            let report = try await body(group)
            try await group.shutdownGracefully()
            return report
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }
}
