import NIOCore

/// The protocol state of one Redis connection: which requests wait for replies, in order, and when
/// the oldest of them runs out of time.
///
/// Redis answers the commands of a connection in the order they were sent, so replies are matched
/// to requests first in, first out. A request is a batch of commands written at once and completed
/// with all its replies. On a pub/sub connection, published messages arrive between replies; they
/// are told apart by shape and handed out, not matched.
///
/// Pure: no I/O, no clock. The handler passes in `now` and performs the returned actions. `Token`
/// is whatever the handler completes a request with (a promise).
struct RedisConnectionStateMachine<Token> {
    struct Configuration: Sendable, Hashable {
        /// How long a request may wait for its last reply.
        var commandTimeout: TimeAmount
        /// Most replies outstanding at once.
        var maxInFlight: Int
        /// A pub/sub connection: `["message", channel, payload]` arrays are pushes, not replies.
        var isPubSub: Bool
    }

    enum SendAction {
        /// Write the request's bytes; arm the timeout timer for the deadline, if given.
        case write(armTimer: NIODeadline?)
        /// Do not write; fail the request at once.
        case fail(Token, RedisError)
    }

    enum ReplyAction {
        /// The reply was not the last one its request waits for.
        case none
        case succeed(Token, [RESPValue])
        case deliver(RedisMessage)
        /// The reply stream cannot be trusted any more: fail every request and close the connection.
        case failAllAndClose([Token], RedisError)
    }

    enum TimerAction {
        /// Nothing is waiting: leave the timer disarmed.
        case none
        /// The oldest request still has time: arm the timer again for its deadline.
        case rearm(NIODeadline)
        case failAllAndClose([Token], RedisError)
    }

    private struct Pending {
        var token: Token
        /// Replies it waits for.
        var replies: Int
        var deadline: NIODeadline
    }

    private enum State {
        case open
        /// Closing or closed, and why: later requests fail with this error.
        case closed(RedisError)
    }

    let configuration: Configuration
    private var state = State.open
    private var pending = CircularBuffer<Pending>(initialCapacity: 16)
    /// The replies of the oldest pending request so far (kept outside the buffer, which has no
    /// in-place mutation: appending there would copy the array for every reply).
    private var collected: [RESPValue] = []
    private var inFlight = 0
    /// The deadline the handler's one timer is armed for, if it is armed.
    private var timerDeadline: NIODeadline?

    init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Replies outstanding.
    var inFlightCount: Int { self.inFlight }

    var isOpen: Bool {
        if case .open = self.state { return true }
        return false
    }

    /// A request of `replies` expected replies (at least 1) wants to be written.
    mutating func send(expecting replies: Int, token: Token, now: NIODeadline) -> SendAction {
        if case .closed(let error) = self.state { return .fail(token, error) }
        // A request that waits for nothing would sit at the head of the queue forever.
        guard replies >= 1 else { return .fail(token, RedisError(.invalidCommand, "a request must expect a reply")) }
        guard self.inFlight + replies <= self.configuration.maxInFlight else {
            return .fail(
                token,
                RedisError(
                    .overloaded,
                    "\(self.inFlight) replies outstanding on the connection, the most allowed is "
                        + "\(self.configuration.maxInFlight)"))
        }
        let deadline = now + self.configuration.commandTimeout
        self.pending.append(Pending(token: token, replies: replies, deadline: deadline))
        self.inFlight += replies
        guard self.timerDeadline == nil else { return .write(armTimer: nil) }
        self.timerDeadline = deadline
        return .write(armTimer: deadline)
    }

    /// One whole reply arrived.
    mutating func replyReceived(_ value: RESPValue) -> ReplyAction {
        guard case .open = self.state else { return .none }
        if self.configuration.isPubSub, let message = RedisMessage(push: value) {
            return .deliver(message)
        }
        guard !self.pending.isEmpty else {
            let error = RedisError(.protocolError, "Redis sent a reply nothing was waiting for")
            return .failAllAndClose(self.closeAndTakeAll(error), error)
        }
        self.collected.append(value)
        self.inFlight -= 1
        guard self.collected.count == self.pending[self.pending.startIndex].replies else { return .none }
        let done = self.pending.removeFirst()
        defer { self.collected = [] }
        return .succeed(done.token, self.collected)
    }

    /// The bytes could not be parsed.
    mutating func protocolError(_ error: RedisError) -> ReplyAction {
        guard case .open = self.state else { return .none }
        return .failAllAndClose(self.closeAndTakeAll(error), error)
    }

    /// The timer armed for the last returned deadline fired.
    mutating func timerFired(now: NIODeadline) -> TimerAction {
        self.timerDeadline = nil
        guard case .open = self.state, let oldest = self.pending.first else { return .none }
        if oldest.deadline <= now {
            let timeout = Self.describe(self.configuration.commandTimeout)
            let error = RedisError(.timeout, "Redis did not answer within \(timeout)")
            return .failAllAndClose(self.closeAndTakeAll(error), error)
        }
        self.timerDeadline = oldest.deadline
        return .rearm(oldest.deadline)
    }

    /// The channel closed (or is being closed by the owner): every waiting request fails.
    mutating func closed(_ error: RedisError) -> [Token] {
        if case .open = self.state { self.state = .closed(error) }
        return self.takeAll()
    }

    /// Closes because of `error` (later requests fail as ``RedisError/Kind/connectionClosed``) and
    /// hands back every waiting request.
    private mutating func closeAndTakeAll(_ error: RedisError) -> [Token] {
        self.state = .closed(RedisError(.connectionClosed, "the connection is closing: \(error.message)"))
        return self.takeAll()
    }

    private mutating func takeAll() -> [Token] {
        let tokens = self.pending.map(\.token)
        self.pending.removeAll()
        self.collected = []
        self.inFlight = 0
        return tokens
    }

    static func describe(_ amount: TimeAmount) -> String {
        let milliseconds = amount.nanoseconds / 1_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(milliseconds) ms"
    }
}
