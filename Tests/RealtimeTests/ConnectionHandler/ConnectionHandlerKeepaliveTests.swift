import Core
import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing

@testable import Realtime

@Suite("WebSocketConnectionHandler: keepalive")
struct WebSocketConnectionHandlerKeepaliveTests {
    private static func keepalive(ping: Int64? = 10, pong: Int64 = 5, idle: Int64? = nil)
        -> WebSocketEndpointConfiguration
    {
        configuration {
            $0.pingInterval = ping.map { .seconds($0) }
            $0.pongTimeout = .seconds(pong)
            $0.idleTimeout = idle.map { .seconds($0) }
        }
    }

    @Test func aSilentPeerIsPingedThenDroppedWhenItDoesNotAnswer() throws {
        let session = RecordingSession()
        let harness = try HandlerHarness(configuration: Self.keepalive(), session: session)
        harness.advance(by: .seconds(10) - .milliseconds(1))
        #expect(try harness.sent().isEmpty)
        harness.advance(by: .milliseconds(1))
        let ping = try #require(try harness.sent().first)
        #expect(ping.opcode == .ping)
        #expect(ping.maskKey == nil)
        #expect(ping.payloadBytes.count == 8)
        harness.advance(by: .seconds(5) - .milliseconds(1))
        #expect(!harness.isClosed)
        harness.advance(by: .milliseconds(1))
        // Dropped without a close frame: a peer that ignores pings would ignore that too.
        #expect(try harness.sent().isEmpty)
        try expectClosedOnce(harness, { session.closes }, code: nil, initiator: .transport)
        #expect(harness.metric("switchboard_ws_keepalive_timeouts_total") == 1)
    }

    @Test func aPongKeepsTheConnection() throws {
        let session = RecordingSession()
        let harness = try HandlerHarness(configuration: Self.keepalive(), session: session)
        harness.advance(by: .seconds(10))
        let first = try #require(try harness.sent().first)
        harness.advance(by: .seconds(1))
        try harness.receive(TestFrames.pong(first.payloadBytes))
        // The pong is dated to the tick at 15 s, so the next ping is due at 25 s.
        harness.advance(by: .seconds(14) - .milliseconds(1))
        #expect(!harness.isClosed)
        #expect(try harness.sent().isEmpty)
        harness.advance(by: .milliseconds(1))
        let second = try #require(try harness.sent().first)
        #expect(second.opcode == .ping)
        #expect(second.payloadBytes != first.payloadBytes)
        #expect(!harness.isClosed)
        #expect(session.closes.isEmpty)
    }

    @Test func framesKeepTheConnectionFromBeingPinged() throws {
        let session = RecordingSession()
        let harness = try HandlerHarness(configuration: Self.keepalive(), session: session)
        for second in 1...20 {
            harness.advance(by: .seconds(4))
            try harness.receive(TestFrames.text("tick \(second)"))
        }
        #expect(try harness.sent().isEmpty)
        #expect(session.received.count == 20)
        // Silent from 80 s on: the tick at 90 s notices the last frame, the one at 100 s pings.
        harness.advance(by: .seconds(20) - .milliseconds(1))
        #expect(try harness.sent().isEmpty)
        harness.advance(by: .milliseconds(1))
        #expect(try harness.sent().map(\.opcode) == [.ping])
    }

    @Test func anIdleConnectionIsClosedWith1000() throws {
        let session = RecordingSession()
        let harness = try HandlerHarness(configuration: Self.keepalive(ping: nil, idle: 30), session: session)
        harness.advance(by: .seconds(30) - .milliseconds(1))
        #expect(try harness.sent().isEmpty)
        harness.advance(by: .milliseconds(1))
        #expect(try harness.sent().map(\.summary) == ["close(1000)"])
        harness.advance(by: .seconds(5))
        try expectClosedOnce(harness, { session.closes }, code: 1000, initiator: .server)
    }

    @Test func messagesPostponeTheIdleClose() throws {
        let session = RecordingSession()
        let harness = try HandlerHarness(configuration: Self.keepalive(ping: nil, idle: 30), session: session)
        harness.advance(by: .seconds(29))
        try harness.receive(TestFrames.text("still here"))
        harness.advance(by: .seconds(30))
        #expect(try harness.sent().isEmpty)
        // Dated to the tick at 30 s, so the idle close comes at 60 s.
        harness.advance(by: .seconds(1))
        #expect(try harness.sent().map(\.summary) == ["close(1000)"])
    }

    @Test func pingsDoNotCountAsMessagesForIdleness() throws {
        let session = RecordingSession()
        let harness = try HandlerHarness(configuration: Self.keepalive(ping: nil, idle: 30), session: session)
        for _ in 0..<3 {
            harness.advance(by: .seconds(9))
            try harness.receive(TestFrames.ping())
        }
        harness.advance(by: .seconds(3))
        #expect(try harness.sent().map(\.summary) == ["pong()", "pong()", "pong()", "close(1000)"])
    }
}
