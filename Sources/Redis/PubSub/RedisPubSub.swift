import CoreMetrics
import Logging
import NIOCore
import Synchronization

/// The dedicated pub/sub connection and the subscribers it feeds.
///
/// Nothing connects until something subscribes. From then on one task keeps the connection up
/// and its subscriptions in step with the subscribers (``RedisSubscriberRegistry``), sending every
/// `SUBSCRIBE`/`UNSUBSCRIBE` itself so they reach Redis in the order the subscribers changed. After
/// a reconnect it subscribes to every wanted channel again. An idle connection is checked with a
/// `PING` every ``RedisConfiguration/pubSubPingInterval``.
final class RedisPubSub: Sendable {
    private typealias Sink = (
        continuation: AsyncStream<RedisMessage>.Continuation, lifetime: RedisSubscription.Lifetime
    )

    private let configuration: RedisConfiguration
    private let eventLoopGroup: any EventLoopGroup
    private let metrics: RedisMetrics
    private let logger: Logger
    private let registry = Mutex(RedisSubscriberRegistry<Sink>())
    private let wakeup = RedisWakeup()

    init(configuration: RedisConfiguration, eventLoopGroup: any EventLoopGroup, metrics: RedisMetrics, logger: Logger) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.metrics = metrics
        self.logger = logger
    }

    func subscribe(to channels: [String], bufferSize: Int) -> RedisSubscription {
        let (stream, continuation) = AsyncStream.makeStream(
            of: RedisMessage.self, bufferingPolicy: .bufferingNewest(max(1, bufferSize)))
        let lifetime = RedisSubscription.Lifetime()
        let added = self.registry.withLock { $0.add(channels: channels, sink: (continuation, lifetime)) }
        guard let id = added else {
            continuation.finish()
            return RedisSubscription(stream: stream, lifetime: lifetime)
        }
        lifetime.onEnd { [weak self] in
            guard let self else { return }
            self.registry.withLock { $0.remove(id) }
            self.wakeup.signal()
        }
        continuation.onTermination = { _ in lifetime.end() }
        self.wakeup.signal()
        return RedisSubscription(stream: stream, lifetime: lifetime)
    }

    /// Ends every subscription.
    func shutDown() {
        let sinks = self.registry.withLock { $0.shutDown() }
        for sink in sinks { sink.continuation.finish() }
        self.wakeup.signal()
    }

    /// Keeps the connection up once anything subscribed, until cancelled.
    func run() async {
        while !Task.isCancelled, !self.registry.withLock({ $0.isWanted || $0.isShutDown }) {
            await self.wakeup.wait(timeout: nil, on: self.eventLoopGroup.next())
        }
        var backoff = ReconnectBackoff(
            initial: self.configuration.reconnectInitialDelay, maximum: self.configuration.reconnectMaximumDelay)
        var random = SystemRandomNumberGenerator()
        var outageLogged = false
        while !Task.isCancelled, !self.registry.withLock({ $0.isShutDown }) {
            do throws(RedisError) {
                let connection = try await RedisConnection.connect(
                    configuration: self.configuration, eventLoop: self.eventLoopGroup.next(), isPubSub: true,
                    metrics: self.metrics, onMessage: { [weak self] message in self?.deliver(message) })
                backoff.reset()
                if outageLogged { self.logger.notice("Redis pub/sub connection up again") }
                outageLogged = false
                self.metrics.pubSubConnectionUp.record(1)
                await self.serve(connection)
                self.metrics.pubSubConnectionUp.record(0)
                self.registry.withLock { $0.connectionLost() }
            } catch {
                if !outageLogged {
                    self.logger.warning(
                        "Redis pub/sub connection down, reconnecting in the background",
                        metadata: ["redis.error": "\(error)"])
                    outageLogged = true
                }
            }
            do {
                try await Task.sleep(for: backoff.nextDelay(using: &random))
            } catch {
                return
            }
        }
    }

    /// Keeps `connection`'s subscriptions in step until it closes or the task is cancelled.
    private func serve(_ connection: RedisConnection) async {
        connection.channel.closeFuture.whenComplete { _ in self.wakeup.signal() }
        let pingInterval = TimeAmount(self.configuration.pubSubPingInterval)
        var nextPing = NIODeadline.now() + pingInterval
        do throws(RedisError) {
            while connection.isActive, !Task.isCancelled {
                let (subscribe, unsubscribe) = self.registry.withLock { $0.changes() }
                if !subscribe.isEmpty {
                    try await Self.expectNoError(
                        connection.write([RedisCommand(["SUBSCRIBE"] + subscribe)], expectedReplies: subscribe.count))
                }
                if !unsubscribe.isEmpty {
                    try await Self.expectNoError(
                        connection.write(
                            [RedisCommand(["UNSUBSCRIBE"] + unsubscribe)], expectedReplies: unsubscribe.count))
                }
                if NIODeadline.now() >= nextPing {
                    try await Self.expectNoError(connection.send([RedisCommand("PING")]))
                    nextPing = NIODeadline.now() + pingInterval
                }
                await self.wakeup.wait(timeout: nextPing - NIODeadline.now(), on: connection.channel.eventLoop)
            }
        } catch {
            self.logger.debug("Redis pub/sub connection failed", metadata: ["redis.error": "\(error)"])
        }
        connection.close()
        await connection.waitUntilClosed()
    }

    private static func expectNoError(_ replies: [RESPValue]) throws(RedisError) {
        for case .error(let text) in replies { throw RedisError.replied(text) }
    }

    /// Called on the connection's event loop for every published message.
    private func deliver(_ message: RedisMessage) {
        let sinks = self.registry.withLock { $0.sinks(for: message.channel) }
        for sink in sinks {
            if case .dropped = sink.continuation.yield(message) {
                sink.lifetime.dropped.add(1, ordering: .relaxed)
                self.metrics.messagesDropped.increment()
            }
        }
    }
}
