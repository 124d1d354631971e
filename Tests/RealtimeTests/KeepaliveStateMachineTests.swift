import NIOCore
import Testing

@testable import Realtime

/// Seconds after the connection opened, as the state machine's clock.
private func at(_ seconds: Int64) -> NIODeadline {
    .uptimeNanoseconds(1_000_000_000) + .seconds(seconds)
}

private func keepalive(ping: Int64? = 10, pong: Int64 = 5, idle: Int64? = nil) -> KeepaliveStateMachine {
    KeepaliveStateMachine(
        configuration: .init(
            pingInterval: ping.map { .seconds($0) }, pongTimeout: .seconds(pong), idleTimeout: idle.map { .seconds($0) }
        ),
        now: at(0)
    )
}

private func pingPayload(_ number: UInt64) -> KeepaliveStateMachine.Action {
    var buffer = ByteBuffer()
    buffer.writeInteger(number)
    return .sendPing(buffer)
}

/// Activity is dated to the tick that notices it, not to when it happened: the handler flips flags
/// per frame and reads no clock. The tests below are written against that rule.
@Suite("KeepaliveStateMachine")
struct KeepaliveStateMachineTests {
    @Test func aSilentPeerIsPingedAfterTheInterval() {
        var machine = keepalive()
        #expect(machine.nextDeadline == at(10))
        #expect(machine.tick(now: at(9)) == .none)
        #expect(machine.tick(now: at(10)) == pingPayload(1))
        #expect(machine.nextDeadline == at(15))
    }

    @Test func aPeerThatDoesNotAnswerIsTerminated() {
        var machine = keepalive()
        _ = machine.tick(now: at(10))
        #expect(machine.tick(now: at(14)) == .none)
        #expect(machine.tick(now: at(15)) == .terminate)
    }

    @Test func onlyOnePingIsOutstanding() {
        var machine = keepalive(ping: 1, pong: 5)
        #expect(machine.tick(now: at(1)) == pingPayload(1))
        #expect(machine.tick(now: at(3)) == .none)
        #expect(machine.nextDeadline == at(6))
    }

    @Test func otherFramesDoNotAnswerAPing() {
        var machine = keepalive()
        _ = machine.tick(now: at(10))
        machine.frameReceived()
        machine.messageReceived()
        #expect(machine.tick(now: at(15)) == .terminate)
    }

    @Test func aPongClearsThePingAndRestartsTheInterval() {
        var machine = keepalive()
        #expect(machine.tick(now: at(10)) == pingPayload(1))
        machine.pongReceived()
        // The pong arrived at 11 but is dated to the tick at the pong deadline.
        #expect(machine.nextDeadline == at(10))
        #expect(machine.tick(now: at(15)) == .none)
        #expect(machine.nextDeadline == at(25))
        #expect(machine.tick(now: at(25)) == pingPayload(2))
    }

    @Test func framesKeepTheConnectionFromBeingPinged() {
        var machine = keepalive()
        machine.frameReceived()  // at 3
        #expect(machine.tick(now: at(10)) == .none)
        #expect(machine.nextDeadline == at(20))
        machine.frameReceived()  // at 12
        #expect(machine.tick(now: at(20)) == .none)
        #expect(machine.nextDeadline == at(30))
        // Silent since 12: pinged at 30, between one and two intervals later.
        #expect(machine.tick(now: at(30)) == pingPayload(1))
    }

    @Test func aSilentConnectionIsClosedAfterTheIdleTimeout() {
        var machine = keepalive(ping: nil, idle: 30)
        #expect(machine.nextDeadline == at(30))
        #expect(machine.tick(now: at(29)) == .none)
        #expect(machine.tick(now: at(30)) == .closeIdle)
    }

    @Test func messagesPostponeTheIdleClose() {
        var machine = keepalive(ping: nil, idle: 30)
        machine.messageReceived()  // at 29
        #expect(machine.tick(now: at(30)) == .none)
        #expect(machine.nextDeadline == at(60))
        #expect(machine.tick(now: at(60)) == .closeIdle)
    }

    @Test func controlFramesDoNotPostponeTheIdleClose() {
        var machine = keepalive(ping: 10, idle: 30)
        #expect(machine.tick(now: at(10)) == pingPayload(1))
        machine.pongReceived()
        #expect(machine.tick(now: at(15)) == .none)
        machine.frameReceived()
        #expect(machine.tick(now: at(25)) == .none)
        #expect(machine.nextDeadline == at(30))
        #expect(machine.tick(now: at(30)) == .closeIdle)
    }

    @Test func theIdleDeadlineCapsThePingDeadlines() {
        var machine = keepalive(ping: 10, pong: 8, idle: 15)
        #expect(machine.nextDeadline == at(10))
        #expect(machine.tick(now: at(10)) == pingPayload(1))
        #expect(machine.nextDeadline == at(15))
    }

    @Test func anUnansweredPingWinsOverTheIdleClose() {
        var machine = keepalive(ping: 10, pong: 5, idle: 15)
        _ = machine.tick(now: at(10))
        #expect(machine.tick(now: at(15)) == .terminate)
    }

    @Test func withNeitherTimerThereIsNoDeadline() {
        var machine = keepalive(ping: nil, idle: nil)
        #expect(machine.nextDeadline == .distantFuture)
        #expect(machine.tick(now: at(1_000_000)) == .none)
        #expect(machine.nextDeadline == .distantFuture)
    }

    @Test func aLateTickStillActs() {
        var machine = keepalive()
        #expect(machine.tick(now: at(12)) == pingPayload(1))
        #expect(machine.nextDeadline == at(17))
        #expect(machine.tick(now: at(40)) == .terminate)
    }

    @Test func pingPayloadsCount() {
        var machine = keepalive(ping: 10, pong: 1)
        for number: UInt64 in 1...3 {
            let sentAt = at(Int64(number) * 20)
            machine.frameReceived()
            _ = machine.tick(now: sentAt - .seconds(10))
            #expect(machine.tick(now: sentAt) == pingPayload(number))
            machine.pongReceived()
            _ = machine.tick(now: sentAt + .seconds(1))
        }
    }
}
