/// The life of one simulated call, as a pure state machine: the handler feeds it events and the
/// tick's time, and performs the actions it returns.
///
/// planned -> connecting -> streaming -> draining -> closing -> finished. Every state but
/// `streaming` has a deadline, and `streaming` ends after a fixed number of frames, so every call
/// finishes by itself whatever the server does.
public struct CallStateMachine: Sendable {
    /// Timeouts and the slow-consumer setting of a call, in nanoseconds.
    public struct Timing: Sendable, Equatable {
        public var connectTimeout: UInt64
        /// After the last frame, how long to wait for missing echoes before `stop`.
        public var drain: UInt64
        /// After our close frame, how long to wait for the server's.
        public var closeTimeout: UInt64
        /// When set, the call stops reading this long after its media started.
        public var stallAfter: UInt64?

        public init(connectTimeout: UInt64, drain: UInt64, closeTimeout: UInt64, stallAfter: UInt64? = nil) {
            self.connectTimeout = connectTimeout
            self.drain = drain
            self.closeTimeout = closeTimeout
            self.stallAfter = stallAfter
        }
    }

    public enum State: Equatable, Sendable {
        case planned
        case connecting(deadline: UInt64)
        case streaming
        case draining(deadline: UInt64)
        case closing(deadline: UInt64)
        case finished
    }

    /// What a tick or an event asks of the handler, in this order.
    public struct Actions: Equatable, Sendable {
        /// Frames now due (open loop: due is due, echoed or not).
        public var sendFrames: Range<Int> = 0..<0
        public var stopReading = false
        public var resumeReading = false
        /// Send `stop` then a close frame with code 1000.
        public var sendStopAndClose = false
        /// Answer the server's close frame with ours.
        public var echoClose = false
        public var closeChannel = false
        /// The call failed; the text is kept for the report.
        public var failure: String?

        public init() {}

        public static let none = Actions()
    }

    public let timing: Timing
    public private(set) var state: State = .planned
    public private(set) var schedule: CallSchedule?
    /// Frames handed to the handler so far (sent, or withheld by backpressure).
    public private(set) var framesDue = 0
    public private(set) var isStalled = false
    /// Set when the server closed or dropped the call before our close.
    public private(set) var endedByServer = false

    public init(timing: Timing) {
        self.timing = timing
    }

    public mutating func connectStarted(now: UInt64) {
        precondition(self.state == .planned)
        self.state = .connecting(deadline: now + self.timing.connectTimeout)
    }

    /// The `101` checked out: media follows `schedule`. The handler sends `connected` and `start`.
    public mutating func upgraded(schedule: CallSchedule) {
        guard case .connecting = self.state else { return }
        self.schedule = schedule
        self.state = .streaming
    }

    /// TCP connect or the handshake failed.
    public mutating func failed(_ reason: String) -> Actions {
        switch self.state {
        case .finished: return .none
        default:
            self.state = .finished
            var actions = Actions()
            actions.failure = reason
            actions.closeChannel = true
            return actions
        }
    }

    /// The periodic check; `allEchoed` tells whether every frame sent so far came back.
    public mutating func tick(now: UInt64, allEchoed: Bool) -> Actions {
        var actions = Actions()
        switch self.state {
        case .planned, .finished:
            break
        case .connecting(let deadline):
            if now >= deadline {
                return self.failed("no WebSocket within the connect timeout")
            }
        case .streaming:
            guard let schedule = self.schedule else { break }
            let due = schedule.framesDue(by: now)
            if due > self.framesDue {
                actions.sendFrames = self.framesDue..<due
                self.framesDue = due
            }
            if let stallAfter = self.timing.stallAfter, !self.isStalled,
                now >= schedule.mediaStartNanoseconds + stallAfter
            {
                self.isStalled = true
                actions.stopReading = true
            }
            if self.framesDue == schedule.frames {
                self.state = .draining(deadline: now + self.timing.drain)
                if self.isStalled {
                    // Read again so the echoes the server still holds can be counted.
                    actions.resumeReading = true
                }
            }
        case .draining(let deadline):
            if allEchoed || now >= deadline {
                actions.sendStopAndClose = true
                self.state = .closing(deadline: now + self.timing.closeTimeout)
            }
        case .closing(let deadline):
            if now >= deadline {
                actions.closeChannel = true
                self.state = .finished
            }
        }
        return actions
    }

    /// The server sent a close frame.
    public mutating func serverClosed() -> Actions {
        var actions = Actions()
        switch self.state {
        case .closing:
            actions.closeChannel = true
        case .finished:
            return .none
        default:
            self.endedByServer = true
            actions.echoClose = true
            actions.closeChannel = true
        }
        self.state = .finished
        return actions
    }

    /// The connection is gone. Returns whether that was earlier than our close.
    public mutating func channelClosed() -> Bool {
        switch self.state {
        case .closing, .finished:
            self.state = .finished
            return false
        default:
            self.endedByServer = true
            self.state = .finished
            return true
        }
    }
}
