import Core
import CoreMetrics
import Logging
import Storage

/// Every change to a session and what follows from it, for the HTTP routes, the reaper and (later)
/// the live socket alike: the store change, then the `agent.presence` event when the agent's
/// presence changed, and the database row once the session is over.
struct SessionCoordinator: Sendable {
    let store: any SessionStore
    let crm: CRMStore
    let eventBus: any EventBus
    let aftermath: SessionAftermath
    let metrics: SessionMetrics
    let logger: Logger

    var policy: SessionPolicy { self.store.policy }

    /// Opens an active session for an agent that exists; the token is returned only here.
    func open(agentID: String, client: String, presence: Presence, at now: Timestamp) async throws -> (
        session: Session, token: String
    ) {
        let (token, hash) = SessionToken.make()
        let session = Session(
            id: ResourceID.make("ses", at: now), agentID: agentID, client: client, presence: presence,
            tokenHash: hash, startedAt: now)
        try await self.store.create(session)
        self.metrics.opened.increment()
        self.aftermath.cancelGraceCheck(agentID: agentID)
        try await self.announce(agentID: agentID, changed: [session.id: nil], cause: session.id, at: now)
        return (session, token)
    }

    func heartbeat(id: String, at now: Timestamp) async throws(SessionStoreError) -> HeartbeatOutcome {
        let outcome = try await self.store.heartbeat(id: id, at: now)
        (outcome == .accepted ? self.metrics.heartbeats : self.metrics.heartbeatsRefused).increment()
        return outcome
    }

    /// A heartbeat the store takes without waiting (see ``SessionStore/acceptKnownHeartbeat(id:at:)``),
    /// counted like any other; `false` sends the request down the ordinary route.
    func acceptKnownHeartbeat(id: String, at now: Timestamp) -> Bool {
        guard self.store.acceptKnownHeartbeat(id: id, at: now) else { return false }
        self.metrics.heartbeats.increment()
        self.metrics.fastHeartbeats.increment()
        return true
    }

    /// The active session that `token` opens, for the live socket; `nil` for anything else. The
    /// hashes are compared in constant time.
    func authenticate(id: String, token: String) async throws(SessionStoreError) -> Session? {
        guard let session = try await self.store.session(id: id), session.isActive else { return nil }
        let presented = Array(SessionToken.hash(token).utf8)
        let stored = Array(session.tokenHash.utf8)
        guard presented.count == stored.count else { return nil }
        let difference = zip(presented, stored).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) }
        return difference == 0 ? session : nil
    }

    func setPresence(_ presence: Presence, id: String, at now: Timestamp) async throws -> SessionChange {
        guard let old = try await self.store.session(id: id) else { return .notFound }
        let change = try await self.store.setPresence(presence, id: id, at: now)
        if case .changed(let session) = change {
            try await self.announce(agentID: session.agentID, changed: [id: old], cause: id, at: now)
        }
        return change
    }

    /// Ends a session at its client's request. Its agent keeps their presence for the grace period
    /// when this was their last session.
    func end(id: String, at now: Timestamp) async throws -> SessionChange {
        let change = try await self.store.end(id: id, at: now)
        guard case .changed(let ended) = change else { return change }
        self.metrics.ended.increment()
        await self.record(ended)
        var previous = ended
        previous.state = .active
        previous.endedAt = nil
        let sessions = try await self.store.sessions(ofAgents: [ended.agentID])[ended.agentID] ?? []
        if !sessions.contains(where: \.isActive), self.policy.presenceGrace > .zero {
            self.aftermath.scheduleGraceCheck(
                .init(
                    agentID: ended.agentID, previous: ended.presence, sessionID: id,
                    deadline: now.adding(self.policy.presenceGrace)))
        } else {
            self.publishIfChanged(
                agentID: ended.agentID, sessions: sessions, previousVersions: [id: previous], cause: id, at: now)
        }
        return change
    }

    /// One reaper pass: expires silent sessions (each on exactly one instance), records them, and
    /// announces agents who went offline; then the grace checks that are due.
    func reap(at now: Timestamp) async throws {
        let expired = try await self.store.expireSilent(at: now)
        self.metrics.expired.increment(by: expired.count)
        for session in expired { await self.record(session) }
        let byAgent = Dictionary(grouping: expired, by: \.agentID)
        if !byAgent.isEmpty {
            let current = try await self.store.sessions(ofAgents: Array(byAgent.keys))
            for (agentID, sessions) in byAgent {
                var previous: [String: Session?] = [:]
                for session in sessions {
                    var alive = session
                    alive.state = .active
                    alive.endedAt = nil
                    previous[session.id] = alive
                }
                self.publishIfChanged(
                    agentID: agentID, sessions: current[agentID] ?? sessions, previousVersions: previous,
                    cause: sessions[0].id, at: now)
            }
        }
        for check in self.aftermath.takeDueGraceChecks(at: now) {
            let sessions = try await self.store.sessions(ofAgents: [check.agentID])[check.agentID] ?? []
            // Only offline is this check's to announce: a session opened meanwhile (on any
            // instance) announced its own presence.
            if Presence.of(agentSessions: sessions, at: now, grace: .zero) == .offline, check.previous != .offline {
                self.publish(
                    agentID: check.agentID, .offline, previous: check.previous, cause: check.sessionID, at: now)
            }
        }
    }

    /// How long after a session's end its row is left to whoever ended it, before any instance's
    /// reaper writes it instead. Writing a row twice is harmless (the second write changes
    /// nothing); this only keeps instances from doing each other's work as a rule.
    static let recordHandOver: Duration = .seconds(5)
    /// Rows one reaper pass writes for others at most; the rest wait a pass.
    static let recordsPerPass = 200

    /// Writes the rows still owed for sessions over since before ``recordHandOver``: those the
    /// database refused, and those of an instance that died between ending a session and writing
    /// its row.
    func recordOwed(at now: Timestamp) async throws(SessionStoreError) {
        let owed = try await self.store.unrecorded(
            endedBefore: now.subtracting(Self.recordHandOver), limit: Self.recordsPerPass)
        // The first refusal ends the pass: the database is down, and the rest would fail too.
        for session in owed {
            guard await self.record(session) else { return }
        }
    }

    /// Writes the row of a session that is over, then tells the store; `false` when the database
    /// refused it, which the store then still owes, for a later reaper pass (on any instance).
    @discardableResult
    private func record(_ session: Session) async -> Bool {
        // Not over: there is no row to write, and nothing owed.
        guard let record = SessionRecord(session) else {
            try? await self.store.recorded([session.id])
            return true
        }
        do {
            try await self.crm.recordSession(record)
        } catch {
            self.metrics.rowWriteFailures.increment()
            self.logger.warning(
                "Could not write the session row; will retry",
                metadata: ["session.id": "\(record.id)", "error": "\(error)"])
            return false
        }
        do {
            try await self.store.recorded([session.id])
        } catch {
            // The row is written; a later pass writes it again, which changes nothing.
            self.logger.debug(
                "Could not mark the session row written",
                metadata: ["session.id": "\(session.id)", "error": "\(error)"])
        }
        return true
    }

    /// Publishes when the agent's presence differs from what it was before `changed` (session id ->
    /// its previous version, `nil` for a new one).
    private func announce(agentID: String, changed: [String: Session?], cause: String, at now: Timestamp)
        async throws
    {
        let sessions = try await self.store.sessions(ofAgents: [agentID])[agentID] ?? []
        self.publishIfChanged(agentID: agentID, sessions: sessions, previousVersions: changed, cause: cause, at: now)
    }

    private func publishIfChanged(
        agentID: String, sessions: [Session], previousVersions: [String: Session?], cause: String, at now: Timestamp
    ) {
        var before = sessions.filter { previousVersions[$0.id] == nil }
        before += previousVersions.values.compactMap { $0 }
        let grace = self.policy.presenceGrace
        let old = Presence.of(agentSessions: before, at: now, grace: grace)
        let new = Presence.of(agentSessions: sessions, at: now, grace: grace)
        if old != new { self.publish(agentID: agentID, new, previous: old, cause: cause, at: now) }
    }

    private func publish(agentID: String, _ presence: Presence, previous: Presence, cause: String, at now: Timestamp) {
        self.metrics.presenceEvents.increment()
        self.eventBus.publish(
            .presence(
                PresenceEvent(
                    agentID: agentID, presence: presence, previous: previous, sessionID: cause,
                    timestampMicroseconds: now.microseconds)))
    }
}
