/// An agent's availability, set by the client on its session and shown on the agent.
public enum Presence: String, Sendable, Hashable, CaseIterable {
    case available, busy, away, offline
}

extension Presence {
    /// An agent's presence from its sessions: the presence most recently set on a live session;
    /// else, for `grace` after the last session was ended by its client, the presence it had (a
    /// console that reloads ends its session and opens a new one, and should not flap offline);
    /// else offline. A session that expired gets no grace: its heartbeat timeout already was one.
    public static func of(agentSessions sessions: [Session], at now: Timestamp, grace: Duration) -> Presence {
        if let live = sessions.filter(\.isActive).max(by: { $0.presenceChangedAt < $1.presenceChangedAt }) {
            return live.presence
        }
        let graceStart = now.subtracting(grace)
        let recent = sessions.filter { $0.state == .ended && ($0.endedAt ?? now) > graceStart }
        return recent.max(by: { ($0.endedAt ?? now) < ($1.endedAt ?? now) })?.presence ?? .offline
    }
}
