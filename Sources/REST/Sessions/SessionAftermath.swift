import Core
import Synchronization

/// What is still owed after sessions change, shared by the routes and the reaper: agents whose
/// offline event waits out the presence grace. (Rows owed to the database are the store's to
/// keep, so that an instance that dies does not take them along: ``SessionStore/unrecorded(endedBefore:limit:)``.)
final class SessionAftermath: Sendable {
    /// An agent whose last session was ended; offline is announced at `deadline` unless a session
    /// of theirs is active by then.
    struct GraceCheck: Sendable, Hashable {
        var agentID: String
        var previous: Presence
        var sessionID: String
        var deadline: Timestamp
    }

    private let graceChecks = Mutex<[String: GraceCheck]>([:])

    func scheduleGraceCheck(_ check: GraceCheck) {
        self.graceChecks.withLock { $0[check.agentID] = check }
    }

    func cancelGraceCheck(agentID: String) {
        self.graceChecks.withLock { _ = $0.removeValue(forKey: agentID) }
    }

    func hasGraceCheck(agentID: String) -> Bool {
        self.graceChecks.withLock { $0[agentID] != nil }
    }

    /// The checks due at `now`, removed.
    func takeDueGraceChecks(at now: Timestamp) -> [GraceCheck] {
        self.graceChecks.withLock { checks in
            let due = checks.values.filter { $0.deadline <= now }
            for check in due { checks[check.agentID] = nil }
            return due
        }
    }
}
