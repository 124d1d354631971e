import CoreMetrics
import NIOCore
import NIOPosix

/// One open, authenticated connection to Redis, usable from any thread.
///
/// Requests go down the channel to its ``RedisConnectionHandler``; their replies come back through
/// a promise. Whatever happens to the channel, every request's promise is completed: by the
/// handler, or here when the write cannot even reach it.
final class RedisConnection: Sendable {
    let channel: any Channel
    private let metrics: RedisMetrics

    private init(channel: any Channel, metrics: RedisMetrics) {
        self.channel = channel
        self.metrics = metrics
    }

    var isActive: Bool { self.channel.isActive }

    /// Connects, then sends `AUTH` (with a password), `SELECT` (for a database other than 0) and
    /// `PING` in one write, and succeeds only once all three answered without error: a server that
    /// accepts TCP but does not answer (frozen) does not count as up.
    static func connect(
        configuration: RedisConfiguration,
        eventLoop: any EventLoop,
        isPubSub: Bool,
        metrics: RedisMetrics,
        onMessage: @escaping @Sendable (RedisMessage) -> Void = { _ in }
    ) async throws(RedisError) -> RedisConnection {
        let handlerConfiguration = RedisConnectionStateMachine<EventLoopPromise<[RESPValue]>>.Configuration(
            commandTimeout: TimeAmount(configuration.commandTimeout),
            maxInFlight: max(1, configuration.maxInFlightCommands),
            isPubSub: isPubSub
        )
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: eventLoop)
                .connectTimeout(TimeAmount(configuration.connectTimeout))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            RedisConnectionHandler(configuration: handlerConfiguration, onMessage: onMessage))
                    }
                }
                .connect(host: configuration.host, port: configuration.port)
                .get()
        } catch {
            throw RedisError(.unavailable, "cannot connect to \(configuration.host):\(configuration.port): \(error)")
        }
        let connection = RedisConnection(channel: channel, metrics: metrics)
        do {
            try await connection.handshake(configuration)
        } catch {
            connection.close()
            throw error
        }
        return connection
    }

    private func handshake(_ configuration: RedisConfiguration) async throws(RedisError) {
        var commands: [RedisCommand] = []
        if let password = configuration.password {
            commands.append(RedisCommand(["AUTH"] + (configuration.username.map { [$0] } ?? []) + [password]))
        }
        if configuration.database != 0 {
            commands.append(RedisCommand("SELECT", String(configuration.database)))
        }
        commands.append(RedisCommand("PING"))
        let replies = try await self.write(commands, expectedReplies: commands.count)
        for (command, reply) in zip(commands, replies) {
            if case .error(let text) = reply {
                throw RedisError(.reply, "Redis refused \(command.name) on a new connection", replyMessage: text)
            }
        }
    }

    /// Writes `commands` at once and returns one reply per command, in order, error replies included.
    func send(_ commands: [RedisCommand]) async throws(RedisError) -> [RESPValue] {
        try await self.write(commands, expectedReplies: commands.count)
    }

    /// Writes `commands` at once and returns the `expectedReplies` replies that follow them.
    func write(_ commands: [RedisCommand], expectedReplies: Int) async throws(RedisError) -> [RESPValue] {
        var bytes = self.channel.allocator.buffer(capacity: 64 * commands.count)
        for command in commands { command.encode(into: &bytes) }
        let promise = self.channel.eventLoop.makePromise(of: [RESPValue].self)
        let request = RedisRequest(bytes: bytes, expectedReplies: expectedReplies, promise: promise)
        self.channel.writeAndFlush(request).whenFailure { error in
            // Completing a promise twice keeps the first result, so this only matters when the
            // request never reached the handler (the channel was already closed).
            promise.fail(RedisError(.connectionClosed, "the command could not be written: \(error)"))
        }
        self.metrics.commandsSent.increment(by: commands.count)
        self.metrics.writes.increment()
        do {
            return try await promise.futureResult.get()
        } catch let error as RedisError {
            throw error
        } catch {
            throw RedisError(.connectionClosed, "\(error)")
        }
    }

    func close() {
        self.channel.close(promise: nil)
    }

    /// Returns when the channel has closed; cancelling the waiting task closes it.
    func waitUntilClosed() async {
        await withTaskCancellationHandler {
            try? await self.channel.closeFuture.get()
        } onCancel: {
            self.close()
        }
    }
}
