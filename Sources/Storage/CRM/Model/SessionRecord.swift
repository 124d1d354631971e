public import Core

/// A session that is over, as the database keeps it: who, which client, from when to when, how long
/// the client was there and why it ended (`expired` or `ended`).
public struct SessionRecord: Sendable, Hashable {
    public var id: String
    public var agentID: String
    public var client: String
    public var startedAt: Timestamp
    public var lastHeartbeatAt: Timestamp
    public var endedAt: Timestamp
    public var activeSeconds: Double
    public var endReason: Session.State
    /// The presence the session had when it ended.
    public var presence: Presence

    /// The record of a session that is over; `nil` for an active one.
    public init?(_ session: Session) {
        guard !session.isActive, let endedAt = session.endedAt else { return nil }
        self.id = session.id
        self.agentID = session.agentID
        self.client = session.client
        self.startedAt = session.startedAt
        self.lastHeartbeatAt = session.lastHeartbeatAt
        self.endedAt = endedAt
        self.activeSeconds = Double(session.activeMicroseconds) / 1_000_000
        self.endReason = session.state
        self.presence = session.presence
    }
}

extension SessionRecord: StoredRecord {
    static let table = "sessions"
    static let resource = "session"
    static let columns =
        "id, agent_id, client, started_at, last_heartbeat_at, ended_at, active_seconds, end_reason, presence"

    init(row: SQLRow) throws(SQLError) {
        self.id = try row.text("id")
        self.agentID = try row.text("agent_id")
        self.client = try row.text("client")
        self.startedAt = try row.timestamp("started_at")
        self.lastHeartbeatAt = try row.timestamp("last_heartbeat_at")
        self.endedAt = try row.timestamp("ended_at")
        self.activeSeconds = try row.real("active_seconds")
        self.endReason = try row.vocabulary("end_reason", Session.State.self)
        self.presence = try row.vocabulary("presence", Presence.self)
    }
}
