import Metrics

/// The client's metrics, created once per client. No dimension names a connection or a key.
struct RedisMetrics: Sendable {
    /// Commands written, each command of a pipeline counted.
    let commandsSent: Counter
    /// Writes to a socket: one per ``RedisClient/send(_:)`` or ``RedisClient/pipeline(_:)``, so the
    /// ratio of commands to writes shows how much pipelining saves.
    let writes: Counter
    /// Command connections up.
    let commandConnectionsUp: Gauge
    /// 1 while the pub/sub connection is up, else 0.
    let pubSubConnectionUp: Gauge
    /// Messages a subscriber's full buffer dropped.
    let messagesDropped: Counter

    init(factory: any MetricsFactory) {
        self.commandsSent = Counter(label: "switchboard_redis_commands_total", factory: factory)
        self.writes = Counter(label: "switchboard_redis_writes_total", factory: factory)
        self.commandConnectionsUp = Gauge(
            label: "switchboard_redis_connections_up", dimensions: [("role", "command")], factory: factory)
        self.pubSubConnectionUp = Gauge(
            label: "switchboard_redis_connections_up", dimensions: [("role", "pubsub")], factory: factory)
        self.messagesDropped = Counter(label: "switchboard_redis_pubsub_dropped_total", factory: factory)
    }
}
