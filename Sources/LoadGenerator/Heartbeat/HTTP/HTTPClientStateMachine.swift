/// The life of one keep-alive HTTP/1.1 client connection that carries one request at a time, as a
/// pure state machine: the handler feeds it events and the time, and performs the actions it returns.
///
/// disconnected -> connecting -> idle <-> awaitingResponse, and back to disconnected (to connect
/// again after ``Timing/reconnectDelay``) when the connection fails or closes. After ``stop()`` it
/// lets the request in flight finish, closes, and ends in `stopped`. A request has a deadline, so
/// a server that never answers costs one timeout per connection, not a hang.
public struct HTTPClientStateMachine: Sendable {
    /// Nanoseconds.
    public struct Timing: Sendable, Equatable {
        public var requestTimeout: UInt64
        public var reconnectDelay: UInt64

        public init(requestTimeout: UInt64, reconnectDelay: UInt64) {
            self.requestTimeout = requestTimeout
            self.reconnectDelay = reconnectDelay
        }
    }

    public enum State: Sendable, Equatable {
        case disconnected(reconnectAt: UInt64)
        /// TCP connect in progress (bounded by the bootstrap's connect timeout).
        case connecting
        case idle
        case awaitingResponse(deadline: UInt64)
        /// Our close is on its way; ``HTTPClientStateMachine/closed(now:)`` follows.
        case closing
        case stopped
    }

    /// Why the request in flight got no response.
    public enum RequestFailure: Sendable, Equatable {
        case timedOut
        case connectionLost
    }

    /// What an event asks of the handler, in this order.
    public struct Actions: Sendable, Equatable {
        public var connect = false
        /// The request in flight will get no response.
        public var failRequest: RequestFailure?
        /// Counted as a connection error: a connect that failed, a request that timed out, a
        /// response that could not be read, a connection dropped with a request in flight.
        public var connectionError: String?
        public var close = false
        /// Idle with nothing in flight: the handler may send the next request.
        public var readyForRequest = false

        public init() {}

        public static let none = Actions()
    }

    public let timing: Timing
    public private(set) var state: State = .disconnected(reconnectAt: 0)
    private var isStopping = false

    public init(timing: Timing) {
        self.timing = timing
    }

    /// Whether a request may be sent now.
    public var isIdle: Bool { self.state == .idle }

    /// The periodic check: connects when a reconnect is due, times out a request past its deadline.
    public mutating func tick(now: UInt64) -> Actions {
        var actions = Actions()
        switch self.state {
        case .disconnected(let reconnectAt) where now >= reconnectAt:
            self.state = .connecting
            actions.connect = true
        case .awaitingResponse(let deadline) where now >= deadline:
            self.state = .closing
            actions.failRequest = .timedOut
            actions.connectionError = "no response within the request timeout"
            actions.close = true
        default:
            break
        }
        return actions
    }

    /// The TCP connection is up.
    public mutating func connected() -> Actions {
        guard self.state == .connecting else { return .none }
        var actions = Actions()
        if self.isStopping {
            self.state = .closing
            actions.close = true
        } else {
            self.state = .idle
            actions.readyForRequest = true
        }
        return actions
    }

    /// The TCP connect failed (or timed out).
    public mutating func connectFailed(now: UInt64, reason: String) -> Actions {
        guard self.state == .connecting else { return .none }
        self.state = self.isStopping ? .stopped : .disconnected(reconnectAt: now + self.timing.reconnectDelay)
        var actions = Actions()
        actions.connectionError = reason
        return actions
    }

    /// A request has been written.
    public mutating func requestSent(now: UInt64) {
        precondition(self.state == .idle, "a request was sent on a connection that is not idle")
        self.state = .awaitingResponse(deadline: now + self.timing.requestTimeout)
    }

    /// A whole response arrived.
    public mutating func responseReceived(closesConnection: Bool) -> Actions {
        var actions = Actions()
        guard case .awaitingResponse = self.state else {
            if self.state == .closing { return .none }
            // Nothing was asked: the connection's framing is out of step.
            self.state = .closing
            actions.connectionError = "a response without a request"
            actions.close = true
            return actions
        }
        if closesConnection || self.isStopping {
            self.state = .closing
            actions.close = true
        } else {
            self.state = .idle
            actions.readyForRequest = true
        }
        return actions
    }

    /// The response could not be read; the connection is closed.
    public mutating func protocolError(_ reason: String) -> Actions {
        var actions = Actions()
        switch self.state {
        case .awaitingResponse:
            actions.failRequest = .connectionLost
        case .closing, .stopped, .disconnected:
            return .none
        case .connecting, .idle:
            break
        }
        self.state = .closing
        actions.connectionError = reason
        actions.close = true
        return actions
    }

    /// The connection is gone (our close, or the server's).
    public mutating func closed(now: UInt64) -> Actions {
        var actions = Actions()
        switch self.state {
        case .awaitingResponse:
            actions.failRequest = .connectionLost
            actions.connectionError = "the server closed the connection with a request in flight"
        case .stopped, .disconnected:
            return .none
        case .connecting, .idle, .closing:
            // An idle keep-alive connection may be closed by the server at any time (idle timeout,
            // shutdown): that is not an error, the next connect will tell.
            break
        }
        self.state = self.isStopping ? .stopped : .disconnected(reconnectAt: now + self.timing.reconnectDelay)
        return actions
    }

    /// No more requests: finish the one in flight, then close and stay closed.
    public mutating func stop() -> Actions {
        self.isStopping = true
        var actions = Actions()
        switch self.state {
        case .disconnected:
            self.state = .stopped
        case .idle:
            self.state = .closing
            actions.close = true
        case .connecting, .awaitingResponse, .closing, .stopped:
            break
        }
        return actions
    }
}
