import CoreMetrics
import Metrics

/// Session metrics, created once per server. Labels are fixed small sets, never session ids.
struct SessionMetrics: Sendable {
    let opened: Counter
    let heartbeats: Counter
    let heartbeatsRefused: Counter
    /// Of ``heartbeats``, those the fast path answered before the router.
    let fastHeartbeats: Counter
    let ended: Counter
    let expired: Counter
    let presenceEvents: Counter
    /// Writes of a session's database row that failed; the row stays owed (``SessionStore/unrecorded(endedBefore:limit:)``).
    let rowWriteFailures: Counter

    init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.opened = Counter(label: "switchboard_sessions_opened_total", factory: factory)
        self.heartbeats = Counter(label: "switchboard_session_heartbeats_total", factory: factory)
        self.heartbeatsRefused = Counter(label: "switchboard_session_heartbeats_refused_total", factory: factory)
        self.fastHeartbeats = Counter(label: "switchboard_session_heartbeats_fast_total", factory: factory)
        self.ended = Counter(
            label: "switchboard_sessions_closed_total", dimensions: [("reason", "ended")], factory: factory)
        self.expired = Counter(
            label: "switchboard_sessions_closed_total", dimensions: [("reason", "expired")], factory: factory)
        self.presenceEvents = Counter(label: "switchboard_presence_events_total", factory: factory)
        self.rowWriteFailures = Counter(label: "switchboard_session_row_write_failures_total", factory: factory)
    }
}
