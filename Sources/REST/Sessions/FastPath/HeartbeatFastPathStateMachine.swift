import NIOCore
import NIOHTTP1

/// Decides, part by part, which requests of one connection the heartbeat fast path answers itself
/// and which go on to the router, so that responses still leave in request order.
///
/// A request is the fast path's only while no router response is owed on the connection (an HTTP/1.1
/// client may pipeline, and a fast answer must not overtake a slow one), and only when it has no
/// body. Anything the fast path gives up on reaches the router whole, head first.
struct HeartbeatFastPathStateMachine {
    enum Action {
        /// Pass these parts on to the router, in order.
        case forward([HTTPServerRequestPart])
        /// Nothing to do yet.
        case none
        /// The request is complete: try to take the heartbeat without waiting. The handler answers
        /// 204 itself, or calls ``declined(_:)`` and forwards what that returns.
        case tryAnswer(HeartbeatCandidate)
    }

    private enum Current {
        case none
        case candidate(HeartbeatCandidate)
        case forwarding
    }

    private var current: Current = .none
    /// Requests given to the router whose response has not been written to the end.
    private var routerResponsesOwed = 0

    /// A request head arrived; `candidate` is set when it looks like a heartbeat the fast path may
    /// answer.
    mutating func head(_ head: HTTPRequestHead, candidate: HeartbeatCandidate?) -> Action {
        if let candidate, self.routerResponsesOwed == 0, case .none = self.current {
            self.current = .candidate(candidate)
            return .none
        }
        self.current = .forwarding
        self.routerResponsesOwed += 1
        return .forward([.head(head)])
    }

    mutating func body(_ part: HTTPServerRequestPart) -> Action {
        switch self.current {
        case .candidate(let candidate):
            if case .body(let bytes) = part, bytes.readableBytes == 0 { return .none }
            self.current = .forwarding
            self.routerResponsesOwed += 1
            return .forward([.head(candidate.head), part])
        case .forwarding, .none:
            return .forward([part])
        }
    }

    mutating func end(_ part: HTTPServerRequestPart) -> Action {
        defer { self.current = .none }
        switch self.current {
        case .candidate(let candidate):
            return .tryAnswer(candidate)
        case .forwarding, .none:
            return .forward([part])
        }
    }

    /// The store could not take the heartbeat at once: the router answers it (404, 410, a Redis
    /// round trip for a session opened elsewhere).
    mutating func declined(_ candidate: HeartbeatCandidate) -> [HTTPServerRequestPart] {
        self.routerResponsesOwed += 1
        return [.head(candidate.head), .end(nil)]
    }

    /// A response part is on its way out; the router's responses end with `.end`.
    mutating func routerWrote(_ part: HTTPServerResponsePart) {
        if case .end = part, self.routerResponsesOwed > 0 { self.routerResponsesOwed -= 1 }
    }
}

/// A request that looks like `POST /v1/sessions/{id}/heartbeat` from a valid key, with nothing the
/// router would treat differently (no query, origin or idempotency key).
struct HeartbeatCandidate {
    var head: HTTPRequestHead
    var sessionID: String
    var caller: Caller
}
