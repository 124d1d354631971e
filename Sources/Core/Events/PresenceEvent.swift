/// `agent.presence`: an agent's presence changed (a session opened, the client set it, or the
/// agent's last session ended or expired and it went offline).
public struct PresenceEvent: Sendable, Hashable {
    public var agentID: String
    public var presence: Presence
    /// The presence before the change.
    public var previous: Presence
    /// The session whose change caused it.
    public var sessionID: String
    /// Microseconds since the Unix epoch.
    public var timestampMicroseconds: Int64

    public init(
        agentID: String, presence: Presence, previous: Presence, sessionID: String, timestampMicroseconds: Int64
    ) {
        self.agentID = agentID
        self.presence = presence
        self.previous = previous
        self.sessionID = sessionID
        self.timestampMicroseconds = timestampMicroseconds
    }

    public static let name = "agent.presence"
}
