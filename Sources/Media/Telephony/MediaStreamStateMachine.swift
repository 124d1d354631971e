/// The life of one media stream, `connected -> started -> stopped`, as a pure state machine: the
/// session feeds it every provider message and performs the action it returns.
public struct MediaStreamStateMachine: Sendable {
    public enum State: Sendable, Hashable {
        /// Socket open, `start` not seen yet (`connected` may or may not have come).
        case awaitingStart
        case started(MediaStreamInfo)
        case stopped
    }

    /// Why a message was ignored: each is counted, none closes the stream.
    public enum IgnoredReason: String, Sendable, Hashable, CaseIterable {
        case beforeStart = "before_start"
        case afterStop = "after_stop"
        case duplicateStart = "duplicate_start"
        case duplicateConnected = "duplicate_connected"
        case unknownEvent = "unknown_event"
    }

    /// Why the state machine ends a stream; the raw value is the close reason sent to the peer.
    public enum CloseCause: String, Sendable, Hashable, CaseIterable {
        case noStart = "no start event in time"
        case stopBeforeStart = "stop before start"
    }

    public enum Action: Sendable {
        /// Start the call app with this stream's metadata.
        case start(MediaStreamInfo)
        /// Hand the event to the call app.
        case deliver(MediaStreamEvent)
        /// The provider ended the stream: stop the app, report the call, close the socket.
        case stop
        /// Nothing to do but count.
        case ignore(IgnoredReason)
        /// Close the stream with a policy violation (1008), saying why.
        case close(CloseCause)
        case none
    }

    public private(set) var state: State = .awaitingStart {
        didSet {
            if case .started = self.state { self.isStreaming = true } else { self.isStreaming = false }
        }
    }
    /// `state == .started`, kept apart so the per-frame path tests one flag instead of matching
    /// (and copying) the stream metadata.
    private var isStreaming = false
    public private(set) var sequence = SequenceTracker()
    private var sawConnected = false

    public init() {}

    public mutating func receive(_ message: ProviderMessage) -> Action {
        if let number = message.sequenceNumber {
            self.sequence.observe(number)
        }
        if self.isStreaming, case .media = message.event {
            return .deliver(message.event)
        }
        switch (self.state, message.event) {
        case (.awaitingStart, .connected):
            guard !self.sawConnected else { return .ignore(.duplicateConnected) }
            self.sawConnected = true
            return .none
        case (.awaitingStart, .start(let info)):
            self.state = .started(info)
            return .start(info)
        case (.awaitingStart, .stop):
            // The provider gave up before the stream started: nothing to report, just close.
            self.state = .stopped
            return .close(.stopBeforeStart)
        case (.awaitingStart, .unknown), (.started, .unknown):
            return .ignore(.unknownEvent)
        case (.awaitingStart, _):
            return .ignore(.beforeStart)
        case (.started, .start):
            return .ignore(.duplicateStart)
        case (.started, .connected):
            return .ignore(.duplicateConnected)
        case (.started, .stop):
            self.state = .stopped
            return .stop
        case (.started, let event):
            return .deliver(event)
        case (.stopped, _):
            return .ignore(.afterStop)
        }
    }

    /// The start deadline passed.
    public mutating func startTimedOut() -> Action {
        guard case .awaitingStart = self.state else { return .none }
        self.state = .stopped
        return .close(.noStart)
    }

    /// The socket closed; returns whether a started call must be ended (no `stop` came).
    public mutating func socketClosed() -> Bool {
        defer { self.state = .stopped }
        if case .started = self.state { return true }
        return false
    }
}
