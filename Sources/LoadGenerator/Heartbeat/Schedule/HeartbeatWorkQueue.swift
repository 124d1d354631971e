import NIOCore

/// What one event loop's connections should send next, as a pure value: due heartbeats first (they
/// are on a clock), then creation requests, at most ``setupConcurrency`` of those in flight.
///
/// Bounded by construction: a session has at most one heartbeat queued or in flight, so the queue
/// never holds more than the loop's sessions, however far behind the server falls. A beat that
/// comes due while the session's previous one is still waiting is not queued but counted as
/// skipped.
public struct HeartbeatWorkQueue: Sendable {
    public enum Request: Sendable, Hashable {
        case createAgent(Int)
        /// `local` is the position in this loop's session list.
        case createSession(local: Int)
        case heartbeat(local: Int, scheduledNanoseconds: UInt64, isMeasured: Bool)
    }

    public enum SessionState: UInt8, Sendable, Equatable {
        case notCreated, creating, ready, beating, failed
    }

    /// What became of a beat that came due.
    public enum Disposition: Sendable, Equatable {
        case queued
        /// The session does not exist (yet): no request.
        case notCreated
        /// The session's previous beat is still queued or in flight.
        case skipped
    }

    public let setupConcurrency: Int
    public private(set) var sessions: [SessionState]
    public private(set) var setupInFlight = 0
    private var beats = CircularBuffer<Request>()
    private var setup = CircularBuffer<Request>()

    public init(sessions: Int, setupConcurrency: Int) {
        precondition(setupConcurrency > 0)
        self.sessions = Array(repeating: .notCreated, count: sessions)
        self.setupConcurrency = setupConcurrency
    }

    /// Heartbeats waiting for a connection.
    public var queuedBeats: Int { self.beats.count }
    /// Creation requests not sent yet.
    public var queuedSetup: Int { self.setup.count }

    /// Queues agent creations.
    public mutating func addAgents(_ indices: Range<Int>) {
        for index in indices { self.setup.append(.createAgent(index)) }
    }

    /// Queues the creation of every session of this loop that does not exist yet.
    public mutating func addSessions() {
        for local in self.sessions.indices where self.sessions[local] == .notCreated {
            self.sessions[local] = .creating
            self.setup.append(.createSession(local: local))
        }
    }

    /// A session's beat is due.
    public mutating func beatDue(local: Int, scheduledNanoseconds: UInt64, isMeasured: Bool) -> Disposition {
        switch self.sessions[local] {
        case .notCreated, .creating, .failed:
            return .notCreated
        case .beating:
            return .skipped
        case .ready:
            self.sessions[local] = .beating
            self.beats.append(
                .heartbeat(local: local, scheduledNanoseconds: scheduledNanoseconds, isMeasured: isMeasured))
            return .queued
        }
    }

    /// The request an idle connection should send, if any.
    public mutating func next() -> Request? {
        if let beat = self.beats.popFirst() { return beat }
        guard self.setupInFlight < self.setupConcurrency, let request = self.setup.popFirst() else { return nil }
        self.setupInFlight += 1
        return request
    }

    /// A request handed out by ``next()`` has finished. `created` says whether a creation worked;
    /// a creation that did not and may be retried is queued again with `retry`.
    public mutating func finished(_ request: Request, created: Bool = true, retry: Bool = false) {
        switch request {
        case .heartbeat(let local, _, _):
            self.sessions[local] = .ready
        case .createAgent:
            self.setupInFlight -= 1
            if !created, retry { self.setup.append(request) }
        case .createSession(let local):
            self.setupInFlight -= 1
            if created {
                self.sessions[local] = .ready
            } else if retry {
                self.setup.append(request)
            } else {
                self.sessions[local] = .failed
            }
        }
    }

    /// Drops every creation not sent yet (the set-up failed or ran out of time).
    public mutating func cancelSetup() {
        while let request = self.setup.popFirst() {
            if case .createSession(let local) = request { self.sessions[local] = .failed }
        }
    }

    /// Drops every heartbeat not sent yet (the run is over); returns how many of them were
    /// measured and how many warm-up.
    public mutating func cancelBeats() -> (measured: Int, warmup: Int) {
        var counts = (measured: 0, warmup: 0)
        while let request = self.beats.popFirst() {
            guard case .heartbeat(let local, _, let isMeasured) = request else { continue }
            self.sessions[local] = .ready
            if isMeasured { counts.measured += 1 } else { counts.warmup += 1 }
        }
        return counts
    }
}
