import Testing

@testable import Redis

private let start = ContinuousClock.now

@Suite("RedisPoolStateMachine")
struct RedisPoolStateMachineTests {
    @Test func withNoConnectionUpCommandsFailAsUnavailableAndSayWhy() {
        var pool = RedisPoolStateMachine<String>(slots: 2, target: "127.0.0.1:6379")
        let before = pool.nextConnection { _ in true }
        #expect(throws: RedisError.unavailable) { try before.get() }
        _ = pool.connectFailed(RedisError(.unavailable, "connection refused"), now: start)
        let error = #expect(throws: RedisError.self) { try pool.nextConnection { _ in true }.get() }
        #expect(error?.isUnavailable == true)
        #expect(error?.description.contains("127.0.0.1:6379") == true)
        #expect(error?.description.contains("connection refused") == true)
    }

    @Test func anAuthRefusalIsNamedInTheUnavailableError() {
        var pool = RedisPoolStateMachine<String>(slots: 1, target: "h:1")
        _ = pool.connectFailed(RedisError(.reply, "Redis refused AUTH", replyMessage: "WRONGPASS invalid"), now: start)
        let error = #expect(throws: RedisError.self) { try pool.nextConnection { _ in true }.get() }
        #expect(error?.kind == .unavailable)
        #expect(error?.description.contains("WRONGPASS") == true)
    }

    @Test func connectionsAreTakenRoundRobinSkippingUnusableOnes() throws {
        var pool = RedisPoolStateMachine<String>(slots: 3, target: "h:1")
        _ = pool.connectionUp(slot: 0, "a", now: start)
        _ = pool.connectionUp(slot: 2, "c", now: start)
        let picks = try (0..<4).map { _ in try pool.nextConnection { _ in true }.get() }
        #expect(picks == ["a", "c", "a", "c"])
        #expect(try pool.nextConnection { $0 != "a" }.get() == "c")
        #expect(try pool.nextConnection { $0 != "a" }.get() == "c")
    }

    @Test func connectedSinceMarksTheFirstConnectionAfterNone() {
        var pool = RedisPoolStateMachine<String>(slots: 2, target: "h:1")
        #expect(pool.connectedSince == nil)
        _ = pool.connectionUp(slot: 0, "a", now: start)
        _ = pool.connectionUp(slot: 1, "b", now: start + .seconds(1))
        #expect(pool.connectedSince == start)
        pool.connectionDown(slot: 0)
        #expect(pool.connectedSince == start)
        pool.connectionDown(slot: 1)
        #expect(pool.connectedSince == nil)
        _ = pool.connectionUp(slot: 1, "b2", now: start + .seconds(5))
        #expect(pool.connectedSince == start + .seconds(5))
    }

    @Test func anOutageIsReportedOnceWhenItBeginsAndOnceWhenItEnds() {
        var pool = RedisPoolStateMachine<String>(slots: 2, target: "h:1")
        _ = pool.connectionUp(slot: 0, "a", now: start)
        pool.connectionDown(slot: 0)
        guard case .outageBegan = pool.connectFailed(.unavailable, now: start + .seconds(1)) else {
            Issue.record("the first failure starts the outage")
            return
        }
        for attempt in 2...5 {
            guard case .none = pool.connectFailed(.unavailable, now: start + .seconds(attempt)) else {
                Issue.record("attempt \(attempt) is not reported again")
                return
            }
        }
        guard case .recovered(let downFor, let attempts) = pool.connectionUp(slot: 1, "b", now: start + .seconds(7))
        else {
            Issue.record("the next connection ends the outage")
            return
        }
        #expect(downFor == .seconds(6))
        #expect(attempts == 5)
        guard case .none = pool.connectionUp(slot: 0, "c", now: start + .seconds(8)) else {
            Issue.record("no outage is in progress")
            return
        }
    }

    @Test func afterShutdownNewConnectionsAreClosedAndCommandsRefused() {
        var pool = RedisPoolStateMachine<String>(slots: 2, target: "h:1")
        _ = pool.connectionUp(slot: 0, "a", now: start)
        #expect(pool.shutDown() == ["a"])
        guard case .close("b") = pool.connectionUp(slot: 1, "b", now: start) else {
            Issue.record("a connection that comes up after shutdown is closed")
            return
        }
        let error = #expect(throws: RedisError.self) { try pool.nextConnection { _ in true }.get() }
        #expect(error?.description.contains("shut down") == true)
        #expect(pool.connectedSince == nil)
    }
}
