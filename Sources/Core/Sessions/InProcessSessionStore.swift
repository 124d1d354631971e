import Synchronization

/// The embedded ``SessionStore``: sessions in this process's memory, for a single instance (no
/// `REDIS_URL`). A heartbeat is one dictionary update under a lock.
///
/// The reaper never walks every session: that held the lock for tens of milliseconds at 100,000
/// sessions, and every heartbeat waits for the lock. It takes due entries from two queues instead,
/// a bounded number per hold of the lock.
public final class InProcessSessionStore: SessionStore {
    /// A session id and a time: when it was last known to beat, or when it ended.
    private struct Due: Comparable {
        var time: Timestamp
        var id: String

        /// The ids are compared only on a tie: a tuple of the two would copy (retain and release)
        /// both ids on every comparison, and the reaper makes tens of thousands a second.
        static func < (lhs: Self, rhs: Self) -> Bool { lhs.time != rhs.time ? lhs.time < rhs.time : lhs.id < rhs.id }
    }

    private struct State {
        var sessions: [String: Session] = [:]
        var byAgent: [String: Set<String>] = [:]
        /// One entry per active session, with a heartbeat time it had (not necessarily its
        /// latest): heartbeats do not touch it, and the reaper puts back, with its newer time, an
        /// entry whose session beat since.
        var silence = PriorityQueue<Due>()
        /// One entry per ended or expired session, with its end, until it is forgotten.
        var over = PriorityQueue<Due>()
        /// Ended or expired sessions whose database row is not known to be written, by id, with
        /// their end.
        var unrecorded: [String: Timestamp] = [:]

        mutating func ended(_ session: Session) {
            let end = session.endedAt ?? session.lastHeartbeatAt
            self.over.insert(Due(time: end, id: session.id))
            self.unrecorded[session.id] = end
        }

        mutating func remove(_ id: String) {
            self.unrecorded[id] = nil
            guard let session = self.sessions.removeValue(forKey: id) else { return }
            self.byAgent[session.agentID]?.remove(id)
            if self.byAgent[session.agentID]?.isEmpty == true { self.byAgent[session.agentID] = nil }
        }
    }

    public let policy: SessionPolicy
    private let state = Mutex(State())
    /// Queue entries one hold of the lock handles at most.
    private static let reapChunk = 500
    private let watchers = SessionEndings()

    public init(policy: SessionPolicy = SessionPolicy()) {
        self.policy = policy
    }

    public func create(_ session: Session) {
        self.state.withLock { state in
            state.sessions[session.id] = session
            state.byAgent[session.agentID, default: []].insert(session.id)
            if session.isActive {
                state.silence.insert(Due(time: session.lastHeartbeatAt, id: session.id))
            } else {
                state.ended(session)
            }
        }
    }

    public func session(id: String) -> Session? {
        self.state.withLock { $0.sessions[id] }
    }

    public func sessions(agentID: String?, state wanted: Session.State?, limit: Int) -> [Session] {
        self.state.withLock { state in
            let candidates: [Session] =
                if let agentID {
                    (state.byAgent[agentID] ?? []).compactMap { state.sessions[$0] }
                } else {
                    Array(state.sessions.values)
                }
            return
                candidates
                .filter { wanted == nil || $0.state == wanted }
                .sorted { ($0.startedAt, $0.id) > ($1.startedAt, $1.id) }
                .prefix(max(0, limit))
                .map { $0 }
        }
    }

    public func sessions(ofAgents agentIDs: [String]) -> [String: [Session]] {
        self.state.withLock { state in
            var result: [String: [Session]] = [:]
            for agentID in agentIDs {
                result[agentID] = (state.byAgent[agentID] ?? []).compactMap { state.sessions[$0] }
            }
            return result
        }
    }

    public func heartbeat(id: String, at time: Timestamp) -> HeartbeatOutcome {
        self.state.withLock { state in
            // In place, with one lookup: copying the session out and back would retain and release
            // each of its strings, on the event loop, for every beat. Reading it through the
            // subscript copies it too; only the `inout` access does not.
            guard let index = state.sessions.index(forKey: id) else { return .notFound }
            return Self.beat(&state.sessions.values[index], at: time)
        }
    }

    private static func beat(_ session: inout Session, at time: Timestamp) -> HeartbeatOutcome {
        guard session.isActive else { return .over(session.state) }
        session.lastHeartbeatAt = max(session.lastHeartbeatAt, time)
        return .accepted
    }

    public func acceptKnownHeartbeat(id: String, at time: Timestamp) -> Bool {
        self.heartbeat(id: id, at: time) == .accepted
    }

    public func setPresence(_ presence: Presence, id: String, at time: Timestamp) -> SessionChange {
        self.state.withLock { state in
            guard var session = state.sessions[id] else { return .notFound }
            guard session.isActive else { return .over(session) }
            session.presence = presence
            session.presenceChangedAt = time
            state.sessions[id] = session
            return .changed(session)
        }
    }

    public func end(id: String, at time: Timestamp) -> SessionChange {
        let change = self.state.withLock { state -> SessionChange in
            guard var session = state.sessions[id] else { return .notFound }
            guard session.isActive else { return .over(session) }
            session.state = .ended
            session.endedAt = time
            state.sessions[id] = session
            state.ended(session)
            return .changed(session)
        }
        if case .changed = change { self.watchers.announce(id) }
        return change
    }

    public func expireSilent(at now: Timestamp) -> [Session] {
        let cutoff = self.policy.silenceCutoff(at: now)
        let forgetBefore = now.subtracting(self.policy.ttl)
        var expired: [Session] = []
        self.inChunks { state in
            guard let due = state.silence.popFirst(where: { $0.time < cutoff }) else { return false }
            // Ended (its entry is in `over` now) or forgotten: the entry goes.
            guard var session = state.sessions[due.id], session.isActive else { return true }
            if session.lastHeartbeatAt < cutoff {
                session.state = .expired
                session.endedAt = now
                state.sessions[due.id] = session
                state.ended(session)
                expired.append(session)
            } else {
                state.silence.insert(Due(time: session.lastHeartbeatAt, id: due.id))
            }
            return true
        }
        self.inChunks { state in
            guard let due = state.over.popFirst(where: { $0.time < forgetBefore }) else { return false }
            state.remove(due.id)
            return true
        }
        for session in expired { self.watchers.announce(session.id) }
        return expired
    }

    /// Runs `step` until it says there is nothing left, ``reapChunk`` steps per hold of the lock.
    private func inChunks(_ step: (inout State) -> Bool) {
        var more = true
        while more {
            more = self.state.withLock { state in
                for _ in 0..<Self.reapChunk {
                    guard step(&state) else { return false }
                }
                return true
            }
        }
    }

    public func unrecorded(endedBefore: Timestamp, limit: Int) -> [Session] {
        self.state.withLock { state in
            // Only as many as the database refused or an ender left: none while all is well.
            state.unrecorded.filter { $0.value < endedBefore }
                .sorted { ($0.value, $0.key) < ($1.value, $1.key) }
                .prefix(max(0, limit))
                .compactMap { state.sessions[$0.key] }
        }
    }

    public func recorded(_ ids: [String]) {
        self.state.withLock { state in
            for id in ids { state.unrecorded[id] = nil }
        }
    }

    public func endings(bufferSize: Int) -> AsyncStream<String> {
        self.watchers.watch(bufferSize: bufferSize)
    }
}
