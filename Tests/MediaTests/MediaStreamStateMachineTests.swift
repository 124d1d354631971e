import NIOCore
import Testing

@testable import Media

private let info = MediaStreamInfo(
    accountSid: "AC1", streamSid: "MZ1", callSid: "CA1", customParameters: ["token": "t"])
private let otherInfo = MediaStreamInfo(streamSid: "MZ2", callSid: "CA2")

/// `MediaStreamStateMachine.Action` flattened to something `#expect` can compare.
private enum Act: Equatable, CustomStringConvertible {
    case start(MediaStreamInfo)
    case deliver(String)
    case stop
    case ignore(MediaStreamStateMachine.IgnoredReason)
    case close(String)
    case none

    init(_ action: MediaStreamStateMachine.Action) {
        switch action {
        case .start(let info): self = .start(info)
        case .deliver(let event): self = .deliver(describe(event))
        case .stop: self = .stop
        case .ignore(let reason): self = .ignore(reason)
        case .close(let cause): self = .close(cause.rawValue)
        case .none: self = .none
        }
    }

    var description: String {
        switch self {
        case .start(let info): "start(\(info.streamSid))"
        case .deliver(let event): "deliver(\(event))"
        case .stop: "stop"
        case .ignore(let reason): "ignore(\(reason.rawValue))"
        case .close(let reason): "close(\(reason))"
        case .none: "none"
        }
    }
}

private func describe(_ event: MediaStreamEvent) -> String {
    switch event {
    case .connected: "connected"
    case .start(let info): "start(\(info.streamSid))"
    case .media(let frame): "media(\(Array(frame.payload.readableBytesView)))"
    case .dtmf(let digit): "dtmf(\(digit))"
    case .mark(let name): "mark(\(name))"
    case .stop: "stop"
    case .unknown(let name): "unknown(\(name))"
    }
}

/// The state without its payload.
private enum Phase: Equatable {
    case awaitingStart, started, stopped

    init(_ state: MediaStreamStateMachine.State) {
        switch state {
        case .awaitingStart: self = .awaitingStart
        case .started: self = .started
        case .stopped: self = .stopped
        }
    }
}

/// Every kind of provider event.
enum StreamEventKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case connected, start, media, dtmf, mark, stop, unknown

    var testDescription: String { self.rawValue }

    var event: MediaStreamEvent {
        switch self {
        case .connected: .connected
        case .start: .start(otherInfo)
        case .media: .media(MediaFrame(chunk: 1, timestamp: 0, payload: ByteBuffer(bytes: [0xFF, 0x7F])))
        case .dtmf: .dtmf(digit: "5")
        case .mark: .mark(name: "m1")
        case .stop: .stop
        case .unknown: .unknown(name: "future")
        }
    }
}

/// Ways to reach each state.
enum StreamSetup: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case fresh, afterConnected, started, startedAfterConnected, stopped, stoppedBeforeStart, timedOut, closed
    case closedAfterStart

    var testDescription: String { self.rawValue }

    var machine: MediaStreamStateMachine {
        var machine = MediaStreamStateMachine()
        switch self {
        case .fresh: break
        case .afterConnected: _ = machine.receive(.init(event: .connected, sequenceNumber: nil))
        case .started: _ = machine.receive(.init(event: .start(info), sequenceNumber: nil))
        case .startedAfterConnected:
            _ = machine.receive(.init(event: .connected, sequenceNumber: nil))
            _ = machine.receive(.init(event: .start(info), sequenceNumber: nil))
        case .stopped:
            _ = machine.receive(.init(event: .start(info), sequenceNumber: nil))
            _ = machine.receive(.init(event: .stop, sequenceNumber: nil))
        case .stoppedBeforeStart: _ = machine.receive(.init(event: .stop, sequenceNumber: nil))
        case .timedOut: _ = machine.startTimedOut()
        case .closed: _ = machine.socketClosed()
        case .closedAfterStart:
            _ = machine.receive(.init(event: .start(info), sequenceNumber: nil))
            _ = machine.socketClosed()
        }
        return machine
    }

    fileprivate var phase: Phase {
        switch self {
        case .fresh, .afterConnected: .awaitingStart
        case .started, .startedAfterConnected: .started
        case .stopped, .stoppedBeforeStart, .timedOut, .closed, .closedAfterStart: .stopped
        }
    }
}

/// What the protocol says should happen: the table the state machine implements.
private func expected(_ setup: StreamSetup, _ kind: StreamEventKind) -> (Act, Phase) {
    switch (setup.phase, kind) {
    case (.awaitingStart, .connected):
        setup == .afterConnected ? (.ignore(.duplicateConnected), .awaitingStart) : (.none, .awaitingStart)
    case (.awaitingStart, .start): (.start(otherInfo), .started)
    case (.awaitingStart, .stop): (.close("stop before start"), .stopped)
    case (.awaitingStart, .unknown): (.ignore(.unknownEvent), .awaitingStart)
    case (.awaitingStart, .media), (.awaitingStart, .dtmf), (.awaitingStart, .mark):
        (.ignore(.beforeStart), .awaitingStart)
    case (.started, .connected): (.ignore(.duplicateConnected), .started)
    case (.started, .start): (.ignore(.duplicateStart), .started)
    case (.started, .stop): (.stop, .stopped)
    case (.started, .unknown): (.ignore(.unknownEvent), .started)
    case (.started, .media), (.started, .dtmf), (.started, .mark): (.deliver(describe(kind.event)), .started)
    case (.stopped, _): (.ignore(.afterStop), .stopped)
    }
}

@Suite("MediaStreamStateMachine")
struct MediaStreamStateMachineTests {
    @Test func startsAwaitingStart() {
        let machine = MediaStreamStateMachine()
        #expect(machine.state == .awaitingStart)
        #expect(machine.sequence == SequenceTracker())
    }

    @Test(arguments: StreamSetup.allCases)
    func setupsReachTheirState(setup: StreamSetup) {
        #expect(Phase(setup.machine.state) == setup.phase)
    }

    @Test(arguments: StreamSetup.allCases, StreamEventKind.allCases)
    func everyTransition(setup: StreamSetup, kind: StreamEventKind) {
        var machine = setup.machine
        let (action, phase) = expected(setup, kind)
        #expect(Act(machine.receive(.init(event: kind.event, sequenceNumber: nil))) == action)
        #expect(Phase(machine.state) == phase)
    }

    @Test func aDuplicateStartKeepsTheFirstStreamsInfo() {
        var machine = StreamSetup.started.machine
        _ = machine.receive(.init(event: .start(otherInfo), sequenceNumber: nil))
        #expect(machine.state == .started(info))
    }

    @Test func startCarriesTheInfo() {
        var machine = MediaStreamStateMachine()
        #expect(Act(machine.receive(.init(event: .start(info), sequenceNumber: 1))) == .start(info))
        #expect(machine.state == .started(info))
    }

    @Test func deliveredEventsAreHandedOverUnchanged() {
        var machine = StreamSetup.started.machine
        let frame = MediaFrame(track: .outbound, chunk: 7, timestamp: 140, payload: ByteBuffer(bytes: [1, 2, 3]))
        guard case .deliver(.media(let delivered)) = machine.receive(.init(event: .media(frame), sequenceNumber: 9))
        else {
            Issue.record("media was not delivered")
            return
        }
        #expect(delivered.track == .outbound)
        #expect(delivered.chunk == 7)
        #expect(delivered.timestamp == 140)
        #expect(delivered.payload == ByteBuffer(bytes: [1, 2, 3]))
    }

    @Test func aFullCall() {
        var machine = MediaStreamStateMachine()
        var actions: [Act] = []
        let events: [MediaStreamEvent] = [
            .connected, .start(info), .media(MediaFrame(payload: ByteBuffer(bytes: [1]))), .dtmf(digit: "1"),
            .mark(name: "a"), .stop, .media(MediaFrame(payload: ByteBuffer(bytes: [2]))),
        ]
        for (index, event) in events.enumerated() {
            actions.append(Act(machine.receive(.init(event: event, sequenceNumber: index == 0 ? nil : index))))
        }
        #expect(
            actions == [
                .none, .start(info), .deliver("media([1])"), .deliver("dtmf(1)"), .deliver("mark(a)"), .stop,
                .ignore(.afterStop),
            ])
        #expect(machine.state == .stopped)
        #expect(machine.sequence.highest == 6)
        #expect(machine.sequence.lost == 0)
        #expect(machine.socketClosed() == false)
    }

    // MARK: Start deadline

    @Test(arguments: StreamSetup.allCases)
    func startTimedOut(setup: StreamSetup) {
        var machine = setup.machine
        let action = Act(machine.startTimedOut())
        switch setup.phase {
        case .awaitingStart:
            #expect(action == .close("no start event in time"))
            #expect(machine.state == .stopped)
        case .started:
            #expect(action == .none)
            #expect(machine.state == .started(info))
        case .stopped:
            #expect(action == .none)
            #expect(machine.state == .stopped)
        }
        // A second deadline never acts again.
        #expect(Act(machine.startTimedOut()) == .none)
    }

    @Test func aTimedOutStreamIgnoresALateStart() {
        var machine = MediaStreamStateMachine()
        _ = machine.startTimedOut()
        #expect(Act(machine.receive(.init(event: .start(info), sequenceNumber: 1))) == .ignore(.afterStop))
        #expect(machine.state == .stopped)
    }

    // MARK: Socket closed

    @Test(arguments: StreamSetup.allCases)
    func socketClosed(setup: StreamSetup) {
        var machine = setup.machine
        // Only a started call that got no `stop` must be ended by the session.
        #expect(machine.socketClosed() == (setup.phase == .started))
        #expect(machine.state == .stopped)
        #expect(machine.socketClosed() == false)
        #expect(Act(machine.receive(.init(event: .stop, sequenceNumber: nil))) == .ignore(.afterStop))
    }

    // MARK: Sequence numbers

    @Test func sequenceNumbersAreTrackedInEveryState() {
        var machine = MediaStreamStateMachine()
        _ = machine.receive(.init(event: .connected, sequenceNumber: nil))
        _ = machine.receive(.init(event: .media(MediaFrame(payload: ByteBuffer())), sequenceNumber: 1))
        _ = machine.receive(.init(event: .start(info), sequenceNumber: 2))
        _ = machine.receive(.init(event: .unknown(name: "x"), sequenceNumber: 3))
        _ = machine.receive(.init(event: .media(MediaFrame(payload: ByteBuffer())), sequenceNumber: 6))
        _ = machine.receive(.init(event: .stop, sequenceNumber: 7))
        _ = machine.receive(.init(event: .media(MediaFrame(payload: ByteBuffer())), sequenceNumber: 5))
        #expect(machine.sequence.highest == 7)
        #expect(machine.sequence.lost == 1)
        #expect(machine.sequence.reordered == 1)
    }

    @Test func messagesWithoutANumberAreNotCounted() {
        var machine = StreamSetup.started.machine
        for _ in 0..<5 { _ = machine.receive(.init(event: .dtmf(digit: "1"), sequenceNumber: nil)) }
        #expect(machine.sequence == SequenceTracker())
    }

    @Test func ignoredReasonNames() {
        #expect(
            MediaStreamStateMachine.IgnoredReason.allCases.map(\.rawValue) == [
                "before_start", "after_stop", "duplicate_start", "duplicate_connected", "unknown_event",
            ])
    }
}
