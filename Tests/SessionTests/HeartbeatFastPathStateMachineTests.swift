import Core
import NIOCore
import NIOHTTP1
import Testing

@testable import REST

/// The ordering rules of the heartbeat fast path, without a socket.
@Suite("Heartbeat fast-path state machine")
struct HeartbeatFastPathStateMachineTests {
    private let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/v1/sessions/s/heartbeat")
    private var candidate: HeartbeatCandidate {
        HeartbeatCandidate(head: self.head, sessionID: "s", caller: Caller(keyID: "k", role: .admin))
    }

    @Test("A bodiless candidate is held until its end, then offered for a fast answer")
    func candidateIsOffered() {
        var machine = HeartbeatFastPathStateMachine()
        #expect(Self.parts(machine.head(self.head, candidate: self.candidate)) == [])
        #expect(Self.parts(machine.body(.body(ByteBuffer()))) == [])
        guard case .tryAnswer(let offered) = machine.end(.end(nil)) else {
            Issue.record("no fast answer offered")
            return
        }
        #expect(offered.sessionID == "s")
        // Answered: the next candidate is offered too.
        _ = machine.head(self.head, candidate: self.candidate)
        guard case .tryAnswer = machine.end(.end(nil)) else {
            Issue.record("second candidate not offered")
            return
        }
    }

    @Test("Declined, a candidate goes to the router whole, and later ones wait for its response")
    func declinedWaitsForTheRouter() {
        var machine = HeartbeatFastPathStateMachine()
        _ = machine.head(self.head, candidate: self.candidate)
        _ = machine.end(.end(nil))
        #expect(machine.declined(self.candidate) == [.head(self.head), .end(nil)])
        // The router owes a response: a candidate behind it is forwarded, not answered first.
        #expect(Self.parts(machine.head(self.head, candidate: self.candidate)) == [.head(self.head)])
        #expect(Self.parts(machine.end(.end(nil))) == [.end(nil)])
        machine.routerWrote(.head(HTTPResponseHead(version: .http1_1, status: .noContent)))
        machine.routerWrote(.end(nil))
        // One response written, one still owed.
        #expect(Self.parts(machine.head(self.head, candidate: self.candidate)) == [.head(self.head)])
        _ = machine.end(.end(nil))
        machine.routerWrote(.end(nil))
        machine.routerWrote(.end(nil))
        #expect(Self.parts(machine.head(self.head, candidate: self.candidate)) == [])
    }

    @Test("A candidate with a body, and any other request, go to the router")
    func othersAreForwarded() {
        var machine = HeartbeatFastPathStateMachine()
        _ = machine.head(self.head, candidate: self.candidate)
        let body = HTTPServerRequestPart.body(ByteBuffer(string: "{}"))
        #expect(Self.parts(machine.body(body)) == [.head(self.head), body])
        #expect(Self.parts(machine.end(.end(nil))) == [.end(nil)])
        machine.routerWrote(.end(nil))
        #expect(Self.parts(machine.head(self.head, candidate: nil)) == [.head(self.head)])
    }

    @Test("Date fields are IMF-fixdate, leap days and all")
    func dates() {
        func date(_ seconds: Int64) -> String { Timestamp(microseconds: seconds * 1_000_000).httpDate }
        #expect(date(0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(date(784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(date(951_782_400) == "Tue, 29 Feb 2000 00:00:00 GMT")
        #expect(date(4_102_444_799) == "Thu, 31 Dec 2099 23:59:59 GMT")
        #expect(date(-1) == "Wed, 31 Dec 1969 23:59:59 GMT")
    }

    /// The parts an action forwards; `[]` for anything else.
    private static func parts(_ action: HeartbeatFastPathStateMachine.Action) -> [HTTPServerRequestPart] {
        if case .forward(let parts) = action { return parts }
        return []
    }
}
