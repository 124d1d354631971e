/// Where sessions live: the process itself (``InProcessSessionStore``, the embedded default) or
/// Redis, shared by every instance. Every method takes the time it acts at, so the rules are the
/// same in tests that move time by hand.
///
/// Heartbeats are the hot path (thousands a second): an implementation answers them without
/// waiting on I/O whenever it can, and writes them in batches.
public protocol SessionStore: Sendable {
    var policy: SessionPolicy { get }

    /// Stores a new active session.
    func create(_ session: Session) async throws(SessionStoreError)

    func session(id: String) async throws(SessionStoreError) -> Session?

    /// Newest first (by start), at most `limit`; only sessions still kept (active, or over for less than the TTL).
    func sessions(agentID: String?, state: Session.State?, limit: Int) async throws(SessionStoreError) -> [Session]

    /// The sessions of each agent that are still kept, for presence.
    func sessions(ofAgents agentIDs: [String]) async throws(SessionStoreError) -> [String: [Session]]

    /// Records that the session was heard from at `time`.
    func heartbeat(id: String, at time: Timestamp) async throws(SessionStoreError) -> HeartbeatOutcome

    /// Takes a heartbeat without waiting, when this store already knows the session is active here;
    /// `false` means "ask ``heartbeat(id:at:)``", not "refused". For the HTTP fast path, which runs
    /// on an event loop and must never wait.
    func acceptKnownHeartbeat(id: String, at time: Timestamp) -> Bool

    /// Sets the presence of an active session.
    func setPresence(_ presence: Presence, id: String, at time: Timestamp) async throws(SessionStoreError)
        -> SessionChange

    /// Ends an active session at the client's request.
    func end(id: String, at time: Timestamp) async throws(SessionStoreError) -> SessionChange

    /// Expires every active session silent since before ``SessionPolicy/silenceCutoff(at:)``.
    /// Every instance sharing the store calls this; each dead session is returned by exactly one
    /// call, which then owns its consequences (the database row, the presence event).
    func expireSilent(at now: Timestamp) async throws(SessionStoreError) -> [Session]

    /// Sessions that ended or expired before `endedBefore` and whose database row is not known to
    /// be written, oldest first, at most `limit`. Whoever ends a session writes its row and then
    /// calls ``recorded(_:)``; what stays here is what an instance left when the database refused
    /// the row or the instance died in between. A session stays until it is recorded or forgotten
    /// (the TTL after its end).
    func unrecorded(endedBefore: Timestamp, limit: Int) async throws(SessionStoreError) -> [Session]

    /// The database holds the rows of these sessions: they are no longer ``unrecorded(endedBefore:limit:)``.
    func recorded(_ ids: [String]) async throws(SessionStoreError)

    /// The ids of sessions that end or expire from now on, on any instance sharing the store, so
    /// that the sockets this instance holds for them can be closed. Bounded (oldest dropped).
    func endings(bufferSize: Int) -> AsyncStream<String>
}

/// What a heartbeat found.
public enum HeartbeatOutcome: Sendable, Hashable {
    case accepted
    case notFound
    /// The session exists but is over (`expired` or `ended`).
    case over(Session.State)
}

/// What a change to one session found.
public enum SessionChange: Sendable, Hashable {
    /// This call changed it; the session as it is now.
    case changed(Session)
    case notFound
    /// It was already over; the session as it is.
    case over(Session)
}
