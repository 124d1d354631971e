import NIOCore
import Testing

@testable import Redis

private typealias Machine = RedisConnectionStateMachine<Int>

/// Milliseconds since an arbitrary start, as the state machine's clock.
private func at(_ milliseconds: Int64) -> NIODeadline {
    .uptimeNanoseconds(1_000_000_000) + .milliseconds(milliseconds)
}

private func machine(maxInFlight: Int = 100, isPubSub: Bool = false) -> Machine {
    Machine(configuration: .init(commandTimeout: .seconds(1), maxInFlight: maxInFlight, isPubSub: isPubSub))
}

private func succeeded(_ action: Machine.ReplyAction) -> (Int, [RESPValue])? {
    if case .succeed(let token, let replies) = action { return (token, replies) }
    return nil
}

private func failedAndClosed(_ action: Machine.ReplyAction) -> ([Int], RedisError)? {
    if case .failAllAndClose(let tokens, let error) = action { return (tokens, error) }
    return nil
}

@Suite("RedisConnectionStateMachine")
struct RedisConnectionStateMachineTests {
    @Test func repliesCompleteRequestsFirstInFirstOut() {
        var state = machine()
        guard case .write(armTimer: at(1000)) = state.send(expecting: 1, token: 1, now: at(0)) else {
            Issue.record("the first request arms the timer")
            return
        }
        guard case .write(armTimer: nil) = state.send(expecting: 2, token: 2, now: at(10)) else {
            Issue.record("the timer is already armed")
            return
        }
        #expect(state.inFlightCount == 3)
        #expect(succeeded(state.replyReceived(.integer(1)))! == (1, [.integer(1)]))
        guard case .none = state.replyReceived(.status("OK")) else {
            Issue.record("the second request waits for its second reply")
            return
        }
        #expect(succeeded(state.replyReceived(.error("ERR x")))! == (2, [.status("OK"), .error("ERR x")]))
        #expect(state.inFlightCount == 0)
    }

    @Test func aReplyNobodyWaitsForIsAProtocolErrorAndClosesTheConnection() {
        var state = machine()
        let (tokens, error) = failedAndClosed(state.replyReceived(.status("OK")))!
        #expect(tokens.isEmpty)
        #expect(error.kind == .protocolError)
        guard case .fail(7, let later) = state.send(expecting: 1, token: 7, now: at(0)) else {
            Issue.record("a closed connection takes no more requests")
            return
        }
        #expect(later.kind == .connectionClosed)
    }

    @Test func theOldestRequestTimesOutAndTakesEveryRequestWithIt() {
        var state = machine()
        _ = state.send(expecting: 1, token: 1, now: at(0))
        _ = state.send(expecting: 1, token: 2, now: at(500))
        guard case .rearm(at(1000)) = state.timerFired(now: at(900)) else {
            Issue.record("an early timer re-arms for the oldest deadline")
            return
        }
        guard case .failAllAndClose(let tokens, let error) = state.timerFired(now: at(1000)) else {
            Issue.record("the oldest request ran out of time")
            return
        }
        #expect(tokens == [1, 2])
        #expect(error == .timeout)
        #expect(!state.isOpen)
    }

    @Test func aTimerForAnAnsweredRequestReArmsForTheNextOne() {
        var state = machine()
        _ = state.send(expecting: 1, token: 1, now: at(0))
        _ = state.send(expecting: 1, token: 2, now: at(600))
        _ = state.replyReceived(.integer(1))
        guard case .rearm(at(1600)) = state.timerFired(now: at(1000)) else {
            Issue.record("the second request has until 1600")
            return
        }
        _ = state.replyReceived(.integer(2))
        guard case .none = state.timerFired(now: at(1600)) else {
            Issue.record("nothing waits any more")
            return
        }
        guard case .write(armTimer: at(2700)) = state.send(expecting: 1, token: 3, now: at(1700)) else {
            Issue.record("a disarmed timer is armed again by the next request")
            return
        }
    }

    @Test func requestsBeyondTheInFlightLimitFailAtOnce() {
        var state = machine(maxInFlight: 3)
        _ = state.send(expecting: 2, token: 1, now: at(0))
        guard case .fail(2, let error) = state.send(expecting: 2, token: 2, now: at(0)) else {
            Issue.record("2 + 2 replies exceed the limit of 3")
            return
        }
        #expect(error.kind == .overloaded && error.isUnavailable)
        guard case .write = state.send(expecting: 1, token: 3, now: at(0)) else {
            Issue.record("2 + 1 replies fit")
            return
        }
    }

    @Test func closingFailsEveryWaitingRequestOnce() {
        var state = machine()
        _ = state.send(expecting: 1, token: 1, now: at(0))
        _ = state.send(expecting: 3, token: 2, now: at(0))
        _ = state.replyReceived(.integer(1))
        #expect(state.closed(.connectionClosed) == [2])
        #expect(state.closed(.connectionClosed) == [])
        guard case .none = state.replyReceived(.integer(2)) else {
            Issue.record("replies after the close are ignored")
            return
        }
    }

    @Test func publishedMessagesArePushesOnAPubSubConnectionOnly() {
        let message = RESPValue.array([.bulk(Array("message".utf8)), .bulk(Array("news".utf8)), .bulk([1, 2])])
        var pubSub = machine(isPubSub: true)
        _ = pubSub.send(expecting: 1, token: 1, now: at(0))
        guard case .deliver(RedisMessage(channel: "news", payload: [1, 2])) = pubSub.replyReceived(message) else {
            Issue.record("a message is delivered, not matched")
            return
        }
        let confirmation = RESPValue.array([.bulk(Array("subscribe".utf8)), .bulk(Array("news".utf8)), .integer(1)])
        #expect(succeeded(pubSub.replyReceived(confirmation))! == (1, [confirmation]))

        var commands = machine()
        _ = commands.send(expecting: 1, token: 1, now: at(0))
        #expect(succeeded(commands.replyReceived(message))! == (1, [message]))
    }
}
