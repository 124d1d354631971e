/// The heartbeats waiting for the next write, and the sessions this instance knows to be active.
///
/// A heartbeat for a known session is answered at once and only remembered here (the newest time
/// per session); every coalescing window the whole batch goes to Redis as one script call. A
/// session learnt to be over (from a batch's answer, an end here, or another instance's
/// announcement) is forgotten, so its next heartbeat asks Redis and gets the truth.
struct HeartbeatBatch: Sendable {
    private(set) var known: Set<String> = []
    private(set) var pending: [String: Int64] = [:]

    /// Records a heartbeat of a known session; `false` when the session is not known here.
    mutating func accept(_ id: String, atMicroseconds time: Int64) -> Bool {
        guard self.known.contains(id) else { return false }
        self.pending[id] = max(self.pending[id] ?? time, time)
        return true
    }

    mutating func learn(_ id: String) {
        self.known.insert(id)
    }

    mutating func forget(_ id: String) {
        self.known.remove(id)
        self.pending[id] = nil
    }

    /// Everything pending, removed.
    mutating func take() -> [String: Int64] {
        defer { self.pending = [:] }
        return self.pending
    }

    /// Puts back a batch whose write failed, keeping whichever time is newer.
    mutating func restore(_ batch: [String: Int64]) {
        for (id, time) in batch where self.known.contains(id) {
            self.pending[id] = max(self.pending[id] ?? time, time)
        }
    }
}
