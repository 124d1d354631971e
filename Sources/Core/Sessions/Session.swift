/// One client session (an agent console, a softphone, a mobile app): created by
/// `POST /v1/sessions`, kept alive by heartbeats, and over once it is ended or goes silent for
/// longer than the heartbeat timeout.
public struct Session: Sendable, Hashable {
    /// `active` until the client ends it (`ended`) or stops heartbeating (`expired`); never back.
    public enum State: String, Sendable, Hashable, CaseIterable {
        case active, expired, ended
    }

    public var id: String
    public var agentID: String
    /// What kind of client holds it (`console`, `softphone`, ...), as the client said.
    public var client: String
    public var state: State
    /// The presence the client last set on this session.
    public var presence: Presence
    /// Hex SHA-1 of the session token; the token itself is shown once, at creation.
    public var tokenHash: String
    public var startedAt: Timestamp
    public var lastHeartbeatAt: Timestamp
    public var presenceChangedAt: Timestamp
    /// When it was ended or found expired; `nil` while active.
    public var endedAt: Timestamp?

    public init(
        id: String, agentID: String, client: String, state: State = .active, presence: Presence = .available,
        tokenHash: String, startedAt: Timestamp, lastHeartbeatAt: Timestamp? = nil,
        presenceChangedAt: Timestamp? = nil, endedAt: Timestamp? = nil
    ) {
        self.id = id
        self.agentID = agentID
        self.client = client
        self.state = state
        self.presence = presence
        self.tokenHash = tokenHash
        self.startedAt = startedAt
        self.lastHeartbeatAt = lastHeartbeatAt ?? startedAt
        self.presenceChangedAt = presenceChangedAt ?? startedAt
        self.endedAt = endedAt
    }

    public var isActive: Bool { self.state == .active }

    /// The time the client was there: until its last heartbeat when it went silent (the timeout
    /// itself is not time anyone was present), until the end when it was ended, and so far while
    /// active.
    public var activeMicroseconds: Int64 {
        let until: Timestamp =
            switch self.state {
            case .active, .expired: self.lastHeartbeatAt
            case .ended: max(self.lastHeartbeatAt, self.endedAt ?? self.lastHeartbeatAt)
            }
        return max(0, until.microseconds - self.startedAt.microseconds)
    }
}
