import Core

/// The heartbeats waiting for the next write, and the sessions this instance knows to be active.
///
/// A heartbeat for a known session is answered at once and only remembered here (the newest time
/// per session); every coalescing window the whole batch goes to Redis in one round trip. A
/// session learnt to be over (from a batch's answer, an end here, or another instance's
/// announcement) is forgotten, so its next heartbeat asks Redis and gets the truth.
///
/// It also decides when a beat refreshes its session key's TTL: Redis keeps no per-beat state
/// for that, so a beat costs Redis one member of one `ZADD`.
struct HeartbeatBatch: Sendable {
    /// Sessions known to be active, each with the time (µs, a heartbeat's clock) its key's TTL was
    /// last refreshed.
    private(set) var known: [String: Int64] = [:]
    private(set) var pending: [String: Int64] = [:]
    /// Sessions whose next write refreshes their key's TTL.
    private(set) var refreshes: [String] = []
    /// How old (µs) a refresh may get before a beat refreshes again.
    let refreshInterval: Int64

    init(refreshInterval: Duration) {
        self.refreshInterval = refreshInterval.microseconds
    }

    /// Records a heartbeat of a known session; `false` when the session is not known here. Also
    /// decides whether this beat refreshes the key's TTL, so that ``take()`` only swaps containers
    /// under the lock the event loops take for every beat.
    mutating func accept(_ id: String, atMicroseconds time: Int64) -> Bool {
        guard let refreshed = self.known[id] else { return false }
        if time - refreshed >= self.refreshInterval {
            self.known[id] = time
            self.refreshes.append(id)
        }
        self.pending[id] = max(self.pending[id] ?? time, time)
        return true
    }

    /// A session known to be active, whose key's TTL was refreshed at `refreshedAt` (µs).
    mutating func learn(_ id: String, refreshedAt: Int64) {
        self.known[id] = refreshedAt
    }

    mutating func forget(_ id: String) {
        self.known[id] = nil
        self.pending[id] = nil
    }

    /// Everything pending, removed: the beats, and the TTL refreshes ``accept(_:atMicroseconds:)``
    /// found due (already marked as done; ``restore(_:)`` undoes that when the write fails).
    mutating func take() -> HeartbeatWrite {
        // A session forgotten since its beat was accepted (it ended) is not refreshed.
        let write = HeartbeatWrite(beats: self.pending, refreshes: self.refreshes.filter { self.known[$0] != nil })
        // The next window holds about as many: no rehashing as it fills again.
        self.pending.removeAll(keepingCapacity: true)
        self.refreshes.removeAll(keepingCapacity: true)
        return write
    }

    /// Puts back a write that failed, keeping whichever time is newer; its refreshes are due again.
    mutating func restore(_ write: HeartbeatWrite) {
        for (id, time) in write.beats where self.known[id] != nil {
            self.pending[id] = max(self.pending[id] ?? time, time)
        }
        for id in write.refreshes where self.known[id] != nil { self.known[id] = 0 }
    }
}

/// One write of heartbeats: each session's newest beat (µs), and the sessions whose key's TTL it
/// refreshes.
struct HeartbeatWrite: Sendable {
    var beats: [String: Int64] = [:]
    var refreshes: [String] = []

    var isEmpty: Bool { self.beats.isEmpty && self.refreshes.isEmpty }
}
