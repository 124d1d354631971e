import Synchronization

/// The watchers of ``SessionStore/endings(bufferSize:)``: each gets its own bounded stream of the
/// ids of sessions that end or expire, and announcing never waits for a reader.
public final class SessionEndings: Sendable {
    private let watchers = Mutex<(next: Int, all: [Int: AsyncStream<String>.Continuation])>((0, [:]))

    public init() {}

    /// A new watcher's stream; it keeps the newest `bufferSize` ids when the reader falls behind.
    public func watch(bufferSize: Int) -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: String.self, bufferingPolicy: .bufferingNewest(max(1, bufferSize)))
        let id = self.watchers.withLock { state in
            let id = state.next
            state.next += 1
            state.all[id] = continuation
            return id
        }
        continuation.onTermination = { [weak self] _ in
            self?.watchers.withLock { _ = $0.all.removeValue(forKey: id) }
        }
        return stream
    }

    public func announce(_ sessionID: String) {
        for watcher in self.watchers.withLock({ Array($0.all.values) }) { watcher.yield(sessionID) }
    }
}
