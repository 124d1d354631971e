import Testing

@testable import LoadGenerator

/// One keep-alive connection: connect, one request at a time, timeouts, reconnects, a clean stop.
@Suite struct HeartbeatClientStateMachineTests {
    private let timing = HTTPClientStateMachine.Timing(requestTimeout: 1000, reconnectDelay: 100)

    private func idleMachine() -> HTTPClientStateMachine {
        var machine = HTTPClientStateMachine(timing: self.timing)
        #expect(machine.tick(now: 0).connect)
        #expect(machine.connected().readyForRequest)
        #expect(machine.isIdle)
        return machine
    }

    @Test func requestsGoOneAtATimeOnAKeptAliveConnection() {
        var machine = self.idleMachine()
        machine.requestSent(now: 10)
        #expect(machine.state == .awaitingResponse(deadline: 1010))
        #expect(!machine.isIdle)
        #expect(machine.tick(now: 500) == .none)
        let answered = machine.responseReceived(closesConnection: false)
        #expect(answered.readyForRequest && !answered.close)
        #expect(machine.isIdle)
    }

    @Test func aRequestWithoutAnAnswerTimesOutAndTheConnectionComesBack() {
        var machine = self.idleMachine()
        machine.requestSent(now: 10)
        let timedOut = machine.tick(now: 1010)
        #expect(timedOut.failRequest == .timedOut)
        #expect(timedOut.close)
        #expect(timedOut.connectionError != nil)
        #expect(machine.state == .closing)
        // Our close: no second failure, a reconnect after the delay.
        #expect(machine.closed(now: 1020) == .none)
        #expect(machine.state == .disconnected(reconnectAt: 1120))
        #expect(!machine.tick(now: 1119).connect)
        #expect(machine.tick(now: 1120).connect)
    }

    @Test func aDroppedConnectionFailsTheRequestInFlight() {
        var machine = self.idleMachine()
        machine.requestSent(now: 0)
        let dropped = machine.closed(now: 50)
        #expect(dropped.failRequest == .connectionLost)
        #expect(dropped.connectionError == "the server closed the connection with a request in flight")
        #expect(machine.state == .disconnected(reconnectAt: 150))
    }

    @Test func anIdleConnectionClosedByTheServerIsNotAnError() {
        var machine = self.idleMachine()
        #expect(machine.closed(now: 5) == .none)
        #expect(machine.state == .disconnected(reconnectAt: 105))
    }

    @Test func connectionCloseInTheResponseReconnects() {
        var machine = self.idleMachine()
        machine.requestSent(now: 0)
        let closing = machine.responseReceived(closesConnection: true)
        #expect(closing.close && !closing.readyForRequest && closing.failRequest == nil)
        #expect(machine.closed(now: 7) == .none)
        #expect(machine.state == .disconnected(reconnectAt: 107))
    }

    @Test func aFailedConnectIsRetriedAfterTheDelay() {
        var machine = HTTPClientStateMachine(timing: self.timing)
        #expect(machine.tick(now: 0).connect)
        #expect(machine.tick(now: 10) == .none, "one connect at a time")
        let failed = machine.connectFailed(now: 20, reason: "connect: refused")
        #expect(failed.connectionError == "connect: refused")
        #expect(machine.state == .disconnected(reconnectAt: 120))
    }

    @Test func unreadableOrUnaskedResponsesCloseTheConnection() {
        var machine = self.idleMachine()
        let unasked = machine.responseReceived(closesConnection: false)
        #expect(unasked.close && unasked.connectionError == "a response without a request")
        var reading = self.idleMachine()
        reading.requestSent(now: 0)
        let garbage = reading.protocolError("invalid status line")
        #expect(garbage.failRequest == .connectionLost && garbage.close)
        #expect(garbage.connectionError == "invalid status line")
        #expect(reading.closed(now: 1).failRequest == nil, "failed once only")
    }

    @Test func stoppingLetsTheRequestInFlightFinish() {
        var machine = self.idleMachine()
        machine.requestSent(now: 0)
        #expect(machine.stop() == .none)
        let answered = machine.responseReceived(closesConnection: false)
        #expect(answered.close && !answered.readyForRequest)
        #expect(machine.closed(now: 10) == .none)
        #expect(machine.state == .stopped)
        #expect(machine.tick(now: 10_000) == .none, "a stopped connection stays closed")
    }

    @Test func stoppingInEveryOtherState() {
        var idle = self.idleMachine()
        #expect(idle.stop().close)
        _ = idle.closed(now: 1)
        #expect(idle.state == .stopped)

        var disconnected = HTTPClientStateMachine(timing: self.timing)
        #expect(disconnected.stop() == .none)
        #expect(disconnected.state == .stopped)

        var connecting = HTTPClientStateMachine(timing: self.timing)
        _ = connecting.tick(now: 0)
        _ = connecting.stop()
        #expect(connecting.connected().close, "connected after the stop: closed at once")
        var refused = HTTPClientStateMachine(timing: self.timing)
        _ = refused.tick(now: 0)
        _ = refused.stop()
        _ = refused.connectFailed(now: 1, reason: "refused")
        #expect(refused.state == .stopped)
    }
}
