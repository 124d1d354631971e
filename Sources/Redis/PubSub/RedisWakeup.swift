import NIOCore
import Synchronization

/// Wakes the pub/sub task when there is something to do (a subscription changed, the connection
/// closed). A signal with nobody waiting is kept, so none is lost; several count as one.
final class RedisWakeup: Sendable {
    private struct State {
        var signalled = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    func signal() {
        let waiter = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.signalled = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Returns after a signal, after `timeout` (timed on `eventLoop`), or when the task is cancelled.
    /// One waiter at a time.
    func wait(timeout: TimeAmount?, on eventLoop: any EventLoop) async {
        let timer = timeout.map { timeout in eventLoop.scheduleTask(in: timeout) { self.signal() } }
        defer { timer?.cancel() }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = self.state.withLock { state -> Bool in
                    if state.signalled || Task.isCancelled {
                        state.signalled = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            self.signal()
        }
    }
}
