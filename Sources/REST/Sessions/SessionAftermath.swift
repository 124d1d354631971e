import Core
import Storage
import Synchronization

/// What is still owed after sessions change, shared by the routes and the reaper: agents whose
/// offline event waits out the presence grace, and rows the database could not take yet.
final class SessionAftermath: Sendable {
    /// An agent whose last session was ended; offline is announced at `deadline` unless a session
    /// of theirs is active by then.
    struct GraceCheck: Sendable, Hashable {
        var agentID: String
        var previous: Presence
        var sessionID: String
        var deadline: Timestamp
    }

    private struct State {
        var graceChecks: [String: GraceCheck] = [:]
        var unrecorded: [SessionRecord] = []
    }

    /// Rows held while the database is down: about ten minutes of session ends at 1,000 clients.
    static let unrecordedLimit = 10_000
    private let state = Mutex(State())

    func scheduleGraceCheck(_ check: GraceCheck) {
        self.state.withLock { $0.graceChecks[check.agentID] = check }
    }

    func cancelGraceCheck(agentID: String) {
        self.state.withLock { _ = $0.graceChecks.removeValue(forKey: agentID) }
    }

    func hasGraceCheck(agentID: String) -> Bool {
        self.state.withLock { $0.graceChecks[agentID] != nil }
    }

    /// The checks due at `now`, removed.
    func takeDueGraceChecks(at now: Timestamp) -> [GraceCheck] {
        self.state.withLock { state in
            let due = state.graceChecks.values.filter { $0.deadline <= now }
            for check in due { state.graceChecks[check.agentID] = nil }
            return due
        }
    }

    /// Holds a row for a later attempt; `false` when the backlog is full and it is dropped.
    func holdUnrecorded(_ record: SessionRecord) -> Bool {
        self.state.withLock { state in
            guard state.unrecorded.count < Self.unrecordedLimit else { return false }
            state.unrecorded.append(record)
            return true
        }
    }

    func takeUnrecorded() -> [SessionRecord] {
        self.state.withLock { state in
            defer { state.unrecorded = [] }
            return state.unrecorded
        }
    }
}
