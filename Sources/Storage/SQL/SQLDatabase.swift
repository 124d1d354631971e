public import Core
import NIOPosix
import Synchronization

/// A database: a bounded pool of blocking connections and the threads that use them. Every query
/// runs on the pool's own `NIOThreadPool`, never on an event loop, so a slow or dead database
/// delays only the requests that wait for it.
///
/// When a connection cannot be opened the pool stops trying for ``Configuration/retryAfter``; in
/// that window requests fail at once with ``SQLError/Kind/unavailable`` instead of each waiting for
/// its own connect timeout. The first request after the window tries again, so the pool recovers
/// by itself when the database returns.
public final class SQLDatabase: Sendable {
    public struct Configuration: Sendable {
        /// Connections, and threads to use them: at most this many statements run at once.
        public var poolSize: Int = 8
        /// Jobs allowed to wait for a thread; more are refused with ``SQLError/Kind/overloaded``.
        public var maxPendingJobs: Int = 1024
        /// How long a failed connect keeps the pool from trying again.
        public var retryAfter: Duration = .seconds(1)
        /// Attempts for a transaction that loses a race (``SQLError/Kind/conflict``).
        public var transactionAttempts: Int = 3

        public init() {}
    }

    public let dialect: SQLDialect
    public let configuration: Configuration
    private let connector: any SQLConnector
    private let threadPool: NIOThreadPool
    private let state = Mutex(PoolState())

    /// The pool's connections between jobs, and why it is refusing work.
    private struct PoolState: ~Copyable {
        var idle: [PooledConnection] = []
        var pendingJobs = 0
        var unavailableUntil: ContinuousClock.Instant?
        var lastFailure: String?
        var isShutDown = false
    }

    public init(connector: any SQLConnector, configuration: Configuration = Configuration()) {
        self.connector = connector
        self.dialect = connector.dialect
        self.configuration = configuration
        self.threadPool = NIOThreadPool(numberOfThreads: configuration.poolSize)
        self.threadPool.start()
    }

    /// Runs `body` with a connection, outside any transaction (single statements, reads).
    @discardableResult
    public func read<T: Sendable>(_ body: @escaping @Sendable (any SQLConnection) throws -> T) async throws -> T {
        try await self.run(body)
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws. A
    /// transaction that loses a race is run again from the start, so `body` must only touch the
    /// database.
    @discardableResult
    public func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLConnection) throws -> T) async throws
        -> T
    {
        let attempts = self.configuration.transactionAttempts
        return try await self.run { connection in
            var attempt = 1
            while true {
                do {
                    try connection.begin()
                    do {
                        let result = try body(connection)
                        try connection.commit()
                        return result
                    } catch {
                        if connection.isUsable { try? connection.rollback() }
                        throw error
                    }
                } catch let error as SQLError where error.kind == .conflict && attempt < attempts {
                    attempt += 1
                }
            }
        }
    }

    /// Ready when a trivial query answers.
    public func check() async -> ReadinessReport {
        do {
            _ = try await self.read { try $0.query("SELECT 1") }
            return .ok
        } catch let error as SQLError {
            return ReadinessReport(isReady: false, detail: "\(self.dialect.rawValue) \(error.kind)")
        } catch {
            return ReadinessReport(isReady: false, detail: "\(self.dialect.rawValue) failed")
        }
    }

    /// Closes every connection and stops the threads; later calls fail as unavailable.
    public func shutdown() async throws {
        let idle = self.state.withLock { state in
            state.isShutDown = true
            defer { state.idle = [] }
            return state.idle
        }
        for pooled in idle { pooled.connection.close() }
        try await self.threadPool.shutdownGracefully()
    }

    private func run<T: Sendable>(_ body: @escaping @Sendable (any SQLConnection) throws -> T) async throws -> T {
        let maxPending = self.configuration.maxPendingJobs
        try self.state.withLock { state throws(SQLError) in
            if state.isShutDown { throw SQLError(.unavailable, "the database pool is shut down") }
            if state.pendingJobs >= maxPending {
                throw SQLError(.overloaded, "\(state.pendingJobs) jobs are waiting for a database connection")
            }
            state.pendingJobs += 1
        }
        defer { self.state.withLock { $0.pendingJobs -= 1 } }
        return try await self.threadPool.runIfActive {
            let pooled = try self.checkOut()
            defer { self.checkIn(pooled) }
            return try body(pooled.connection)
        }
    }

    /// An idle connection, or a new one; runs on a pool thread, since connecting blocks.
    private func checkOut() throws(SQLError) -> PooledConnection {
        let now = ContinuousClock.now
        let idle = try self.state.withLock { state throws(SQLError) -> PooledConnection? in
            if let pooled = state.idle.popLast() { return pooled }
            if let until = state.unavailableUntil, now < until {
                throw SQLError(.unavailable, state.lastFailure ?? "the database is unavailable")
            }
            return nil
        }
        if let idle { return idle }
        do {
            let connection = try self.connector.connect()
            self.state.withLock { $0.unavailableUntil = nil }
            return PooledConnection(connection)
        } catch {
            let retryAfter = self.configuration.retryAfter
            self.state.withLock { state in
                state.unavailableUntil = ContinuousClock.now + retryAfter
                state.lastFailure = error.message
            }
            throw error
        }
    }

    private func checkIn(_ pooled: PooledConnection) {
        guard pooled.connection.isUsable else {
            pooled.connection.close()
            return
        }
        let keep = self.state.withLock { state in
            guard !state.isShutDown else { return false }
            state.idle.append(pooled)
            return true
        }
        if !keep { pooled.connection.close() }
    }
}

/// A connection moving between pool threads.
///
/// `@unchecked Sendable` is sound because a connection is only ever touched by the one job that
/// checked it out: `checkOut` removes it from `idle` under the lock, and `checkIn` puts it back
/// under the lock after the job's last use, so no two threads hold it at once.
private final class PooledConnection: @unchecked Sendable {
    let connection: any SQLConnection

    init(_ connection: any SQLConnection) {
        self.connection = connection
    }
}
