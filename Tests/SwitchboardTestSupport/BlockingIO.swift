import Dispatch

/// Runs `body` on a thread of its own rather than on Swift concurrency's cooperative pool.
///
/// ``RawWebSocketClient`` blocks in `recv` for up to its timeout. The cooperative pool has one
/// thread per core (two on CI), and an in-process server's async code needs those threads too:
/// a few tests blocking in parallel would starve the very server they are waiting for and turn
/// into timeouts. Inside `body`, blocking calls are fine and `#expect` works as usual, because
/// this is still the calling task, only with a different executor preference.
public func withBlockingIO<T>(_ body: () async throws -> T) async throws -> T {
    try await withTaskExecutorPreference(BlockingIOExecutor(), operation: body)
}

/// A task executor backed by a private serial dispatch queue; such queues target the
/// overcommitting root queue, which adds a thread whenever the existing ones are blocked.
private final class BlockingIOExecutor: TaskExecutor {
    private let queue = DispatchQueue(label: "switchboard.tests.blocking-io")

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
