import NIOCore
import Testing

@testable import REST

/// When a keep-alive HTTP connection closes, without a socket: the idle timeout counts from the
/// last request or response, a request being answered is never idleness, and shutdown waits for
/// the responses owed.
@Suite("HTTP connection state machine")
struct HTTPConnectionStateMachineTests {
    private let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
    private func at(_ seconds: Int64) -> NIODeadline { self.start + .seconds(seconds) }

    private func active(idle: TimeAmount? = .seconds(60)) -> HTTPConnectionStateMachine {
        var machine = HTTPConnectionStateMachine(idleTimeout: idle, now: self.start)
        #expect(machine.activated(now: self.start) == (idle.map { .scheduleTimeout(self.start + $0) } ?? .none))
        return machine
    }

    /// One whole request read at `time`.
    private func read(_ machine: inout HTTPConnectionStateMachine, at time: NIODeadline, keepAlive: Bool = true) {
        machine.readHead(keepAlive: keepAlive, now: time)
        machine.readEnd(now: time)
    }

    /// One whole request and its response at `time`.
    private func exchange(_ machine: inout HTTPConnectionStateMachine, at time: NIODeadline)
        -> HTTPConnectionStateMachine.Action
    {
        self.read(&machine, at: time)
        return machine.wroteEnd(now: time)
    }

    @Test("An idle connection closes at the timeout; a later exchange moves the deadline")
    func idleCloses() {
        var machine = self.active()
        #expect(machine.timedOut(now: self.at(60)) == .close)

        machine = self.active()
        #expect(self.exchange(&machine, at: self.at(30)) == .scheduleTimeout(self.at(90)))
        // The timer armed at the start fires first and finds the connection busy since.
        #expect(machine.timedOut(now: self.at(60)) == .scheduleTimeout(self.at(90)))
        #expect(machine.timedOut(now: self.at(90)) == .close)
    }

    @Test("A request read in full and not answered yet is never idle; one still arriving counts from its last part")
    func busyIsNotIdle() {
        var machine = self.active()
        self.read(&machine, at: self.at(1))
        #expect(machine.timedOut(now: self.at(120)) == .none)
        #expect(machine.wroteEnd(now: self.at(121)) == .scheduleTimeout(self.at(181)))

        machine.readHead(keepAlive: true, now: self.at(130))
        machine.readBody(now: self.at(150))
        #expect(machine.timedOut(now: self.at(181)) == .scheduleTimeout(self.at(210)))
        #expect(machine.timedOut(now: self.at(210)) == .close)
    }

    @Test("Pipelined requests: the timer is re-armed only when the last response is written")
    func pipelined() {
        var machine = self.active()
        self.read(&machine, at: self.at(1))
        self.read(&machine, at: self.at(1))
        #expect(machine.wroteEnd(now: self.at(2)) == .none)
        #expect(machine.wroteEnd(now: self.at(3)) == .scheduleTimeout(self.at(63)))
    }

    @Test("Shutdown closes an idle connection at once, a busy one after its last response")
    func quiesce() {
        var idle = self.active()
        #expect(idle.quiesce() == .close)

        var busy = self.active()
        self.read(&busy, at: self.at(1))
        busy.readHead(keepAlive: true, now: self.at(1))
        #expect(busy.quiesce() == .none)
        #expect(busy.wroteEnd(now: self.at(2)) == .none)
        busy.readEnd(now: self.at(2))
        #expect(busy.wroteEnd(now: self.at(3)) == .close)
    }

    @Test("A request that does not keep the connection closes it after its response, pipelined ones first")
    func notKeptAlive() {
        var machine = self.active()
        self.read(&machine, at: self.at(1))
        self.read(&machine, at: self.at(1), keepAlive: false)
        #expect(machine.wroteEnd(now: self.at(2)) == .none)
        #expect(machine.wroteEnd(now: self.at(2)) == .close)
    }

    @Test("Without an idle timeout, or once the connection is inactive, nothing is scheduled or closed by time")
    func noTimeout() {
        var machine = self.active(idle: nil)
        #expect(self.exchange(&machine, at: self.at(5)) == .none)
        #expect(machine.timedOut(now: self.at(100_000)) == .none)

        var closed = self.active()
        closed.deactivated()
        #expect(closed.timedOut(now: self.at(600)) == .none)
        #expect(self.exchange(&closed, at: self.at(601)) == .none)
    }
}
