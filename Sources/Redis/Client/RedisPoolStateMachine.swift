/// The command connections of a ``RedisClient``: which slots have a connection up, which one the
/// next command takes, and the outage bookkeeping behind `connectedSince` and the logs.
///
/// An outage starts with the first failed connect after a success (or at start-up) and ends with
/// the next successful one; the client logs its start and end once each, whatever the number of
/// attempts in between. Pure: the caller passes in the time, holds the lock, and performs the
/// returned actions after releasing it. `Connection` is the connection type (generic for tests).
struct RedisPoolStateMachine<Connection> {
    enum UpAction {
        case none
        /// The first connection after an outage of this long, after this many failed attempts.
        case recovered(downFor: Duration, failedAttempts: Int)
        /// The pool is shut down: close the new connection.
        case close(Connection)
    }

    enum FailureAction {
        case none
        /// The first failure of an outage: log it (the later ones are not).
        case outageBegan(RedisError)
    }

    /// Describes the server in error messages (`127.0.0.1:6379`).
    let target: String
    private var slots: [Connection?]
    private var cursor = 0
    private(set) var connectedSince: ContinuousClock.Instant?
    private var outage: (since: ContinuousClock.Instant, failedAttempts: Int)?
    private var lastFailure: RedisError?
    private(set) var isShutDown = false

    init(slots: Int, target: String) {
        self.slots = Array(repeating: nil, count: max(1, slots))
        self.target = target
    }

    var slotCount: Int { self.slots.count }

    /// Connections up.
    var upCount: Int { self.slots.reduce(0) { $1 == nil ? $0 : $0 + 1 } }

    mutating func connectionUp(slot: Int, _ connection: Connection, now: ContinuousClock.Instant) -> UpAction {
        if self.isShutDown { return .close(connection) }
        if self.upCount == 0 { self.connectedSince = now }
        self.slots[slot] = connection
        self.lastFailure = nil
        guard let outage = self.outage else { return .none }
        self.outage = nil
        return .recovered(downFor: now - outage.since, failedAttempts: outage.failedAttempts)
    }

    /// The connection in `slot` closed.
    mutating func connectionDown(slot: Int) {
        self.slots[slot] = nil
        if self.upCount == 0 { self.connectedSince = nil }
    }

    /// A connect attempt (the TCP connect or the `AUTH`/`SELECT`/`PING` after it) failed.
    mutating func connectFailed(_ error: RedisError, now: ContinuousClock.Instant) -> FailureAction {
        self.lastFailure = error
        if var outage = self.outage {
            outage.failedAttempts += 1
            self.outage = outage
            return .none
        }
        self.outage = (now, 1)
        return .outageBegan(error)
    }

    /// The connection for the next command, round robin over those up and `isUsable` (a closing
    /// channel may still sit in its slot for a moment); an error when there is none.
    mutating func nextConnection(isUsable: (Connection) -> Bool) -> Result<Connection, RedisError> {
        for offset in 0..<self.slots.count {
            let index = (self.cursor + offset) % self.slots.count
            if let connection = self.slots[index], isUsable(connection) {
                self.cursor = (index + 1) % self.slots.count
                return .success(connection)
            }
        }
        if self.isShutDown { return .failure(RedisError(.unavailable, "the Redis client is shut down")) }
        guard let failure = self.lastFailure else {
            return .failure(RedisError(.unavailable, "no connection to Redis at \(self.target) yet"))
        }
        var reason = failure.message
        if let reply = failure.replyMessage { reason += ": \(reply)" }
        return .failure(RedisError(.unavailable, "no connection to Redis at \(self.target) (\(reason))"))
    }

    /// Stops the pool; returns the connections to close.
    mutating func shutDown() -> [Connection] {
        self.isShutDown = true
        let connections = self.slots.compactMap { $0 }
        self.slots = self.slots.map { _ in nil }
        self.connectedSince = nil
        return connections
    }
}
