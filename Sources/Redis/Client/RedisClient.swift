public import CoreMetrics
public import Logging
import Metrics
public import NIOCore
public import NIOPosix
public import ServiceLifecycle

/// A Redis client: a small pool of pipelined connections for commands, and one more connection
/// for pub/sub, all on SwiftNIO.
///
/// Run it as a `Service` (in a `ServiceGroup`); ``run()`` keeps the connections up and
/// reconnects with a jittered exponential backoff. It never makes a caller wait for Redis longer
/// than ``RedisConfiguration/commandTimeout``: while no connection is up, commands fail at once
/// with ``RedisError/Kind/unavailable`` rather than queue, and a command that times out fails and
/// takes its connection down with it (the connection is then re-established).
///
/// ```swift
/// let redis = RedisClient(configuration: try RedisConfiguration(url: url), logger: logger)
/// // in a ServiceGroup with redis, then:
/// let value = try await redis.send(RedisCommand("GET", "session:1")).string
/// ```
public final class RedisClient: Service, Sendable {
    public let configuration: RedisConfiguration
    private let pool: RedisConnectionPool
    private let pubSub: RedisPubSub

    /// - Parameters:
    ///   - metricsFactory: where the client's metrics go (`switchboard_redis_*`); the global system by default.
    public init(
        configuration: RedisConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger,
        metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "redis.server"] = "\(configuration.host):\(configuration.port)"
        let metrics = RedisMetrics(factory: metricsFactory)
        self.pool = RedisConnectionPool(
            configuration: configuration, eventLoopGroup: eventLoopGroup, metrics: metrics, logger: logger)
        self.pubSub = RedisPubSub(
            configuration: configuration, eventLoopGroup: eventLoopGroup, metrics: metrics, logger: logger)
    }

    /// Keeps the pool (and the pub/sub connection once anything subscribed) connected until
    /// cancelled or a graceful shutdown; closes everything on exit, ending every subscription.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.pool.run() }
                group.addTask { await self.pubSub.run() }
            }
        }
        self.pool.shutDown()
        self.pubSub.shutDown()
    }

    /// Sends one command and returns its reply; an error reply throws a ``RedisError`` with
    /// ``RedisError/replyMessage`` set.
    ///
    /// Subscriptions, `MONITOR`, `HELLO` and `SELECT` are refused (``RedisError/Kind/invalidCommand``):
    /// they would change a pooled connection under later callers. A blocking command (`BLPOP` and
    /// the like) must block for less than ``RedisConfiguration/commandTimeout``, or it times out and
    /// takes its connection down.
    public func send(_ command: RedisCommand) async throws(RedisError) -> RESPValue {
        try command.validateForPool()
        let replies = try await self.pool.connection().send([command])
        guard let reply = replies.first else { throw RedisError(.protocolError, "no reply") }
        if case .error(let text) = reply { throw RedisError.replied(text) }
        return reply
    }

    /// Sends all commands in one write on one connection and returns their replies in order.
    /// Error replies come back as ``RESPValue/error(_:)`` values, not throws; a timeout or a broken
    /// connection fails the whole pipeline.
    public func pipeline(_ commands: [RedisCommand]) async throws(RedisError) -> [RESPValue] {
        guard !commands.isEmpty else { return [] }
        for command in commands { try command.validateForPool() }
        return try await self.pool.connection().send(commands)
    }

    /// When the pool last went from no connection to at least one (`nil` while none is up).
    public var connectedSince: ContinuousClock.Instant? { self.pool.connectedSince }

    /// Messages published on `channels`, over the dedicated pub/sub connection; the channels are
    /// subscribed to again after every reconnect (messages published while it was down are lost:
    /// that is Redis pub/sub). The buffer holds `bufferSize` messages and drops the oldest beyond.
    /// The sequence ends when the client shuts down; ending the iteration unsubscribes.
    public func subscribe(to channels: [String], bufferSize: Int = 1024) -> RedisSubscription {
        self.pubSub.subscribe(to: channels, bufferSize: bufferSize)
    }
}
