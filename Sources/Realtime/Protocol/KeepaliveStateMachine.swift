import NIOCore

/// Liveness of one WebSocket: when to ping a silent peer, when to give up on a peer that does not
/// answer, and when to close a connection that carries no messages.
///
/// The handler only flips two flags per frame (no clock read, no timer re-arm on the hot path) and
/// calls ``tick(now:)`` when the single timer it keeps fires at ``nextDeadline``. The price is that
/// activity is dated to the tick that notices it, so a silent peer is pinged between one and two
/// intervals after its last frame.
struct KeepaliveStateMachine {
    struct Configuration: Sendable, Hashable {
        /// Ping a peer silent this long; `nil` never pings.
        var pingInterval: TimeAmount?
        /// Drop a peer that has not answered a ping in this time.
        var pongTimeout: TimeAmount
        /// Close a connection with no data message in this time; `nil` never does.
        var idleTimeout: TimeAmount?
    }

    enum Action: Equatable {
        case none
        case sendPing(ByteBuffer)
        /// No data message for the idle timeout: close the connection normally.
        case closeIdle
        /// The peer did not answer a ping: drop TCP without a closing handshake, it would not answer that either.
        case terminate
    }

    let configuration: Configuration
    private var lastFrame: NIODeadline
    private var lastMessage: NIODeadline
    private var pingSentAt: NIODeadline?
    private var pingsSent: UInt64 = 0
    private var sawFrame = false
    private var sawMessage = false

    init(configuration: Configuration, now: NIODeadline) {
        self.configuration = configuration
        self.lastFrame = now
        self.lastMessage = now
    }

    mutating func frameReceived() {
        self.sawFrame = true
    }

    mutating func messageReceived() {
        self.sawFrame = true
        self.sawMessage = true
    }

    mutating func pongReceived() {
        self.sawFrame = true
        self.pingSentAt = nil
    }

    /// When ``tick(now:)`` should next run.
    var nextDeadline: NIODeadline {
        var deadline = NIODeadline.distantFuture
        if let sent = self.pingSentAt {
            deadline = min(deadline, sent + self.configuration.pongTimeout)
        } else if let interval = self.configuration.pingInterval {
            deadline = min(deadline, self.lastFrame + interval)
        }
        if let idle = self.configuration.idleTimeout {
            deadline = min(deadline, self.lastMessage + idle)
        }
        return deadline
    }

    mutating func tick(now: NIODeadline) -> Action {
        if self.sawFrame {
            self.lastFrame = now
            self.sawFrame = false
        }
        if self.sawMessage {
            self.lastMessage = now
            self.sawMessage = false
        }
        if let sent = self.pingSentAt, now >= sent + self.configuration.pongTimeout {
            return .terminate
        }
        if let idle = self.configuration.idleTimeout, now >= self.lastMessage + idle {
            return .closeIdle
        }
        if self.pingSentAt == nil, let interval = self.configuration.pingInterval, now >= self.lastFrame + interval {
            self.pingSentAt = now
            self.pingsSent += 1
            var payload = ByteBuffer()
            payload.writeInteger(self.pingsSent)
            return .sendPing(payload)
        }
        return .none
    }
}
