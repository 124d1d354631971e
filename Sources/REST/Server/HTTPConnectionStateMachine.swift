import NIOCore

/// When an HTTP/1 keep-alive connection closes: after the idle timeout with no request in
/// progress, or after the last owed response once the server is shutting down or a request did
/// not ask to keep the connection (`Connection: close`, or HTTP/1.0 without `keep-alive`, which
/// the HTTPTypes the router sees cannot tell apart from HTTP/1.1).
///
/// The rules are Hummingbird's `HTTPConnectionStateHandler`'s. They live here because that handler
/// sits behind the HTTPTypes codec, and the heartbeat fast path answers before NIO's HTTP/1 codec
/// (decoding, encoding and converting cost more than the heartbeat itself). A connection that only
/// heartbeats must count as busy, so the fast path reports its answers here too
/// (``answeredAhead(now:)``), and asks whether the connection is free for one (``isIdle``).
struct HTTPConnectionStateMachine {
    enum Action: Equatable {
        case none
        /// Arm the idle timer for `deadline` (when none is armed already).
        case scheduleTimeout(NIODeadline)
        /// Close the connection (after flushing what was just written).
        case close
    }

    let idleTimeout: TimeAmount?
    private var requestsInProgress = 0
    /// Request heads the decoder has read, to check that it saw every head it was given.
    private(set) var headsRead = 0
    private var isRequestBeingRead = false
    private var lastActive: NIODeadline
    private var isActive = false
    private var closeAfterLastResponse = false

    init(idleTimeout: TimeAmount?, now: NIODeadline) {
        self.idleTimeout = idleTimeout
        self.lastActive = now
    }

    /// The connection is up.
    mutating func activated(now: NIODeadline) -> Action {
        self.isActive = true
        return self.idleTimeout.map { .scheduleTimeout(now + $0) } ?? .none
    }

    mutating func deactivated() {
        self.isActive = false
    }

    /// A request head arrived; `keepAlive` is false when the client wants the connection closed
    /// after the response.
    mutating func readHead(keepAlive: Bool, now: NIODeadline) {
        self.lastActive = now
        self.isRequestBeingRead = true
        self.requestsInProgress += 1
        self.headsRead += 1
        if !keepAlive { self.closeAfterLastResponse = true }
    }

    /// Some of a request body arrived.
    mutating func readBody(now: NIODeadline) {
        self.lastActive = now
    }

    /// A request ended.
    mutating func readEnd(now: NIODeadline) {
        self.lastActive = now
        self.isRequestBeingRead = false
    }

    /// Whether no request is being read or answered: a response written now would be in order.
    var isIdle: Bool {
        self.requestsInProgress == 0 && !self.isRequestBeingRead && !self.closeAfterLastResponse
    }

    /// A request was answered ahead of the decoder (the heartbeat fast path, only while
    /// ``isIdle``); it counts as activity for the idle timeout, whose timer is armed while idle.
    mutating func answeredAhead(now: NIODeadline) {
        self.lastActive = now
    }

    /// A response was written to its end.
    mutating func wroteEnd(now: NIODeadline) -> Action {
        self.requestsInProgress -= 1
        guard self.requestsInProgress == 0 else { return .none }
        if self.closeAfterLastResponse { return .close }
        guard let idleTimeout, self.isActive else { return .none }
        self.lastActive = now
        return .scheduleTimeout(now + idleTimeout)
    }

    /// The idle timer fired (it is disarmed now).
    mutating func timedOut(now: NIODeadline) -> Action {
        guard let idleTimeout, self.isActive else { return .none }
        // A request read in full and still being answered is not idleness; the response re-arms.
        if !self.isRequestBeingRead, self.requestsInProgress > 0 { return .none }
        let deadline = self.lastActive + idleTimeout
        return now >= deadline ? .close : .scheduleTimeout(deadline)
    }

    /// The server is shutting down: close now, or after the responses still owed.
    mutating func quiesce() -> Action {
        guard self.requestsInProgress > 0 else { return .close }
        self.closeAfterLastResponse = true
        return .none
    }
}
