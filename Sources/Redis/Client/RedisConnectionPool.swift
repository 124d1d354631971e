import CoreMetrics
import Logging
import NIOCore
import Synchronization

/// Keeps ``RedisConfiguration/poolSize`` command connections up: one task per slot connects,
/// waits for the connection to close, and connects again after a jittered backoff. Commands take
/// whichever connection is up, round robin; with none up they fail at once, never wait.
final class RedisConnectionPool: Sendable {
    private let configuration: RedisConfiguration
    private let eventLoopGroup: any EventLoopGroup
    private let metrics: RedisMetrics
    private let logger: Logger
    private let state: Mutex<RedisPoolStateMachine<RedisConnection>>

    init(configuration: RedisConfiguration, eventLoopGroup: any EventLoopGroup, metrics: RedisMetrics, logger: Logger) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.metrics = metrics
        self.logger = logger
        self.state = Mutex(
            RedisPoolStateMachine(
                slots: configuration.poolSize, target: "\(configuration.host):\(configuration.port)"))
    }

    var connectedSince: ContinuousClock.Instant? { self.state.withLock { $0.connectedSince } }

    /// A connection that is up, or ``RedisError/Kind/unavailable`` saying why there is none.
    func connection() throws(RedisError) -> RedisConnection {
        try self.state.withLock { $0.nextConnection(isUsable: \.isActive) }.get()
    }

    /// Maintains every slot until cancelled.
    func run() async {
        let slots = self.state.withLock { $0.slotCount }
        await withDiscardingTaskGroup { group in
            for slot in 0..<slots {
                group.addTask { await self.maintain(slot: slot) }
            }
        }
    }

    /// Closes every connection; commands fail as unavailable from now on.
    func shutDown() {
        let connections = self.state.withLock { $0.shutDown() }
        for connection in connections { connection.close() }
        self.metrics.commandConnectionsUp.record(0)
    }

    private func maintain(slot: Int) async {
        var backoff = ReconnectBackoff(
            initial: self.configuration.reconnectInitialDelay, maximum: self.configuration.reconnectMaximumDelay)
        var random = SystemRandomNumberGenerator()
        while !Task.isCancelled {
            do {
                let connection = try await RedisConnection.connect(
                    configuration: self.configuration, eventLoop: self.eventLoopGroup.next(), isPubSub: false,
                    metrics: self.metrics)
                backoff.reset()
                if self.connected(connection, slot: slot) {
                    await connection.waitUntilClosed()
                    self.disconnected(slot: slot)
                }
            } catch {
                self.connectFailed(error)
            }
            do {
                try await Task.sleep(for: backoff.nextDelay(using: &random))
            } catch {
                return
            }
        }
    }

    /// Puts `connection` in its slot; `false` (and the connection closed) when the pool is shutting down.
    private func connected(_ connection: RedisConnection, slot: Int) -> Bool {
        let now = ContinuousClock.now
        let (action, up) = self.state.withLock { state in
            (state.connectionUp(slot: slot, connection, now: now), state.upCount)
        }
        switch action {
        case .none:
            self.logger.debug("Redis connection up", metadata: ["redis.slot": "\(slot)"])
        case .recovered(let downFor, let failedAttempts):
            self.logger.notice(
                "Redis reachable again",
                metadata: ["redis.outage_seconds": "\(downFor)", "redis.failed_attempts": "\(failedAttempts)"])
        case .close(let connection):
            connection.close()
            return false
        }
        self.metrics.commandConnectionsUp.record(up)
        if Task.isCancelled {
            connection.close()
        }
        return true
    }

    private func disconnected(slot: Int) {
        let up = self.state.withLock { state in
            state.connectionDown(slot: slot)
            return state.upCount
        }
        self.metrics.commandConnectionsUp.record(up)
        self.logger.debug("Redis connection closed", metadata: ["redis.slot": "\(slot)"])
    }

    private func connectFailed(_ error: RedisError) {
        let now = ContinuousClock.now
        switch self.state.withLock({ $0.connectFailed(error, now: now) }) {
        case .outageBegan(let error):
            self.logger.warning(
                "Redis unavailable, reconnecting in the background", metadata: ["redis.error": "\(error)"])
        case .none:
            self.logger.debug("Redis reconnect attempt failed", metadata: ["redis.error": "\(error)"])
        }
    }
}
