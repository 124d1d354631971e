/// The timing rules every session follows, from `HEARTBEAT_INTERVAL`, `HEARTBEAT_TIMEOUT`,
/// `SESSION_TTL`, `HEARTBEAT_COALESCE_WINDOW` and `PRESENCE_GRACE`.
public struct SessionPolicy: Sendable, Hashable {
    /// How often clients are told to heartbeat.
    public var heartbeatInterval: Duration = .seconds(5)
    /// Silence after which a session is dead.
    public var heartbeatTimeout: Duration = .seconds(10)
    /// How long a session's record is kept after its last heartbeat (refreshed by each one), and
    /// how long an ended session can still be read.
    public var ttl: Duration = .seconds(3600)
    /// Heartbeats arriving within this window reach a shared store as one batch.
    public var coalescingWindow: Duration = .milliseconds(250)
    /// How long an agent whose last session was ended keeps its presence before going offline.
    public var presenceGrace: Duration = .seconds(5)

    public init() {}

    /// Sessions whose last heartbeat is older than this are dead. The coalescing window is added to
    /// the timeout because a heartbeat accepted just before the timeout may still be on its way to
    /// the store: it must land before the session can be judged silent.
    public func silenceCutoff(at now: Timestamp) -> Timestamp {
        now.subtracting(self.heartbeatTimeout + self.coalescingWindow)
    }

    /// When an active session dies unless it heartbeats again.
    public func deadline(of session: Session) -> Timestamp {
        session.lastHeartbeatAt.adding(self.heartbeatTimeout)
    }
}
