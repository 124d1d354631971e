import Synchronization

/// The connections this instance holds for each session (the live socket registers here), closed
/// when the session ends or expires on any instance.
public final class SessionConnections: Sendable {
    /// Closes one connection; called at most once.
    public typealias Close = @Sendable () -> Void

    private struct State {
        var next = 0
        var bySession: [String: [Int: Close]] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Registers a connection of `sessionID`; the returned token removes it again (when the
    /// connection closes on its own).
    public func register(sessionID: String, close: @escaping Close) -> Int {
        self.state.withLock { state in
            let token = state.next
            state.next += 1
            state.bySession[sessionID, default: [:]][token] = close
            return token
        }
    }

    public func unregister(sessionID: String, token: Int) {
        self.state.withLock { state in
            state.bySession[sessionID]?[token] = nil
            if state.bySession[sessionID]?.isEmpty == true { state.bySession[sessionID] = nil }
        }
    }

    /// Closes every connection of a session that is over.
    public func closeAll(sessionID: String) {
        let closes = self.state.withLock { $0.bySession.removeValue(forKey: sessionID) } ?? [:]
        for close in closes.values { close() }
    }

    public var count: Int { self.state.withLock { $0.bySession.values.reduce(0) { $0 + $1.count } } }
}
