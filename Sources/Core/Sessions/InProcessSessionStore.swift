import Synchronization

/// The embedded ``SessionStore``: sessions in this process's memory, for a single instance (no
/// `REDIS_URL`). A heartbeat is one dictionary update under a lock.
public final class InProcessSessionStore: SessionStore {
    private struct State {
        var sessions: [String: Session] = [:]
        var byAgent: [String: Set<String>] = [:]

        mutating func remove(_ id: String) {
            guard let session = self.sessions.removeValue(forKey: id) else { return }
            self.byAgent[session.agentID]?.remove(id)
            if self.byAgent[session.agentID]?.isEmpty == true { self.byAgent[session.agentID] = nil }
        }
    }

    public let policy: SessionPolicy
    private let state = Mutex(State())
    private let watchers = SessionEndings()

    public init(policy: SessionPolicy = SessionPolicy()) {
        self.policy = policy
    }

    public func create(_ session: Session) {
        self.state.withLock { state in
            state.sessions[session.id] = session
            state.byAgent[session.agentID, default: []].insert(session.id)
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
            guard var session = state.sessions[id] else { return .notFound }
            guard session.isActive else { return .over(session.state) }
            session.lastHeartbeatAt = max(session.lastHeartbeatAt, time)
            state.sessions[id] = session
            return .accepted
        }
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
            return .changed(session)
        }
        if case .changed = change { self.watchers.announce(id) }
        return change
    }

    public func expireSilent(at now: Timestamp) -> [Session] {
        let cutoff = self.policy.silenceCutoff(at: now)
        let forgetBefore = now.subtracting(self.policy.ttl)
        let expired = self.state.withLock { state -> [Session] in
            var expired: [Session] = []
            var forgotten: [String] = []
            for (id, session) in state.sessions {
                if session.isActive, session.lastHeartbeatAt < cutoff {
                    var dead = session
                    dead.state = .expired
                    dead.endedAt = now
                    state.sessions[id] = dead
                    expired.append(dead)
                } else if !session.isActive, (session.endedAt ?? now) < forgetBefore {
                    forgotten.append(id)
                }
            }
            for id in forgotten { state.remove(id) }
            return expired
        }
        for session in expired { self.watchers.announce(session.id) }
        return expired
    }

    public func endings(bufferSize: Int) -> AsyncStream<String> {
        self.watchers.watch(bufferSize: bufferSize)
    }
}
