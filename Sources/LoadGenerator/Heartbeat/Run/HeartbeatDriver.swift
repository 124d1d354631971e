import Histogram
import NIOCore

/// Drives one event loop's share of a heartbeat run: its connections, its sessions' creation and
/// their heartbeats, with a single 1 ms tick.
///
/// Each tick takes the beats that came due from the loop's ``HeartbeatCursor`` into its
/// ``HeartbeatWorkQueue`` and hands queued work to idle connections. A late tick (the loop was
/// busy) takes every beat it missed with their own scheduled times: they go out late and the
/// latency shows it.
///
/// Phases: agents (loop 0 only creates them) -> sessions -> heartbeats (set by ``measure(from:until:)``)
/// -> draining (the measured phase is over; what is queued or in flight may finish, within one
/// request timeout) -> stopping (connections close) -> done. Every phase has a deadline.
final class HeartbeatDriver {
    typealias Phase = HeartbeatStatistics.Phase

    let eventLoop: any EventLoop
    let configuration: HeartbeatConfiguration
    let target: HeartbeatTarget
    let connectTimeout: UInt64
    var statistics = HeartbeatStatistics()

    static let tickNanoseconds: UInt64 = 1_000_000
    static let connectionCheckNanoseconds: UInt64 = 10_000_000
    /// Tries of one creation request whose connection failed.
    static let maximumAttempts = 3

    private let requests: HeartbeatRequests
    /// Uptime nanoseconds of the run clock's 0, shared by every loop.
    private let runStart: UInt64
    private let requestTimeout: UInt64
    private var cursor: HeartbeatCursor
    private var work: HeartbeatWorkQueue
    private var connections: [HeartbeatConnection] = []
    private var idle: [HeartbeatConnection] = []
    private var phase = Phase.agents
    private var agentIDs: [[UInt8]]
    private var sessionIDs: [[UInt8]]
    private var agentsPending: Int
    private var sessionsPending = 0
    private var attempts: [HeartbeatWorkQueue.Request: Int] = [:]
    private var inFlight = 0
    private var measureStart: UInt64?
    private var measureEnd = UInt64.max
    private let setupDeadline: UInt64
    private var phaseDeadline = UInt64.max
    private var nextConnectionCheck: UInt64 = 0
    private var stoppedConnections = 0
    private var lastTick = -1
    private var tickTask: Scheduled<Void>?
    /// Only on the loop that creates the agents.
    private var agentsDone: EventLoopPromise<[[UInt8]]>?
    private var sessionsDone: EventLoopPromise<Void>?
    private let done: EventLoopPromise<Void>

    /// - Parameters:
    ///   - thread, threads: this loop's share of the sessions (``HeartbeatCursor/share(of:thread:threads:)``).
    ///   - connections: this loop's share of the connections.
    ///   - createsAgents: whether this loop creates the run's agents (one loop does).
    init(
        eventLoop: any EventLoop,
        configuration: HeartbeatConfiguration,
        target: HeartbeatTarget,
        requests: HeartbeatRequests,
        schedule: HeartbeatSchedule,
        runStart: UInt64,
        thread: Int,
        threads: Int,
        connections: Int,
        createsAgents: Bool
    ) {
        self.eventLoop = eventLoop
        self.configuration = configuration
        self.target = target
        self.requests = requests
        self.runStart = runStart
        self.connectTimeout = UInt64(configuration.connectTimeoutSeconds * 1e9)
        self.requestTimeout = UInt64(configuration.requestTimeoutSeconds * 1e9)
        self.setupDeadline = UInt64(configuration.setupTimeoutSeconds * 1e9)
        self.cursor = .share(of: schedule, thread: thread, threads: threads)
        self.work = HeartbeatWorkQueue(
            sessions: self.cursor.sessions.count, setupConcurrency: configuration.setupConcurrency)
        self.agentIDs = Array(repeating: [], count: configuration.agents)
        self.sessionIDs = Array(repeating: [], count: self.cursor.sessions.count)
        self.agentsPending = createsAgents ? configuration.agents : 0
        self.agentsDone = createsAgents ? eventLoop.makePromise() : nil
        self.agentsCreated = self.agentsDone?.futureResult
        self.done = eventLoop.makePromise()
        let timing = HTTPClientStateMachine.Timing(
            requestTimeout: self.requestTimeout,
            reconnectDelay: UInt64(configuration.reconnectDelaySeconds * 1e9))
        for _ in 0..<connections {
            self.connections.append(HeartbeatConnection(driver: self, timing: timing))
        }
        if createsAgents { self.work.addAgents(0..<configuration.agents) }
    }

    /// Run-relative nanoseconds.
    @inline(__always)
    func now() -> UInt64 {
        let uptime = NIODeadline.now().uptimeNanoseconds
        return uptime > self.runStart ? uptime - self.runStart : 0
    }

    // MARK: Driven by the run

    /// Starts ticking; the connections connect on the first tick.
    func start() {
        self.tick()
    }

    /// The agents' ids once they all exist (on the loop that creates them; `nil` on the others).
    /// Kept apart from the promise, which is dropped once completed: the agents may all exist
    /// before the generator asks.
    let agentsCreated: EventLoopFuture<[[UInt8]]>?

    /// Succeeds when every connection of this loop is closed after ``stop()`` or the measured phase.
    var finished: EventLoopFuture<Void> { self.done.futureResult }

    /// Creates this loop's sessions (each for agent `index % agents`); succeeds when they all exist.
    func createSessions(agentIDs: [[UInt8]]) -> EventLoopFuture<Void> {
        let promise = self.eventLoop.makePromise(of: Void.self)
        guard self.phase < .heartbeats, self.statistics.setupError == nil else {
            promise.fail(LoadGeneratorError.io("set-up failed: \(self.statistics.setupError ?? "stopped")"))
            return promise.futureResult
        }
        self.agentIDs = agentIDs
        self.phase = .sessions
        self.sessionsPending = self.cursor.sessions.count
        self.work.addSessions()
        if self.sessionsPending == 0 {
            promise.succeed()
        } else {
            self.sessionsDone = promise
        }
        self.dispatch(now: self.now())
        return promise.futureResult
    }

    /// Beats scheduled in `[start, end)` are measured; after `end` the loop drains and stops.
    func measure(from start: UInt64, until end: UInt64) {
        guard self.phase < .heartbeats else { return }
        self.measureStart = start
        self.measureEnd = end
        self.phase = .heartbeats
    }

    /// Ends the run on this loop now (a failed set-up): nothing new is sent, what is in flight may
    /// finish within its timeout.
    func stop() {
        self.endSetup(LoadGeneratorError.io("set-up stopped"))
        if self.phase < .stopping { self.beginStopping(now: self.now()) }
    }

    /// The figures so far; the interval histogram starts over.
    func snapshot() -> HeartbeatStatistics {
        self.statistics.phase = self.phase
        self.statistics.inFlight = self.inFlight
        self.statistics.queued = self.work.queuedBeats
        let snapshot = self.statistics
        self.statistics.intervalLatency.reset()
        return snapshot
    }

    // MARK: Called by the connections

    /// Renders `request` into `buffer`; the connection sends it right after, at `now`.
    func write(_ request: HeartbeatWorkQueue.Request, into buffer: inout ByteBuffer, now: UInt64) {
        self.inFlight += 1
        switch request {
        case .createAgent(let index):
            self.requests.writeCreateAgent(index: index, into: &buffer)
        case .createSession(let local):
            let agent = self.agentIDs[self.cursor.sessions[local] % self.agentIDs.count]
            self.requests.writeCreateSession(agentID: agent, into: &buffer)
        case .heartbeat(let local, let scheduled, let isMeasured):
            self.requests.writeHeartbeat(sessionID: self.sessionIDs[local], into: &buffer)
            self.countBeat(isMeasured) { $0.sent += 1 }
            if isMeasured { self.statistics.recordSendDelay(nanoseconds: now > scheduled ? now - scheduled : 0) }
        }
    }

    /// A connection has nothing in flight: it gets the next request, or waits on the idle list.
    func connectionIdle(_ connection: HeartbeatConnection, now: UInt64) {
        if let request = self.work.next() {
            connection.send(request, now: now)
        } else if !connection.isListedIdle {
            connection.isListedIdle = true
            self.idle.append(connection)
        }
    }

    /// `request` got `response` at `now`.
    func completed(_ request: HeartbeatWorkQueue.Request, response: HTTPResponseParser.Response, now: UInt64) {
        self.inFlight -= 1
        switch request {
        case .heartbeat(_, let scheduled, let isMeasured):
            self.work.finished(request)
            if response.status == 204 {
                self.countBeat(isMeasured) { $0.acknowledged += 1 }
                if isMeasured { self.statistics.recordLatency(nanoseconds: now > scheduled ? now - scheduled : 0) }
            } else {
                self.countBeat(isMeasured) { $0.otherStatus[response.status, default: 0] += 1 }
                if self.statistics.firstUnexpectedResponse == nil {
                    self.statistics.firstUnexpectedResponse = Self.describe(response)
                }
            }
        case .createAgent(let index):
            switch Self.created(response, prefix: "agt_") {
            case .success(let agent):
                self.agentIDs[index] = agent.id
                self.statistics.agentsCreated += 1
                self.work.finished(request)
                self.agentsPending -= 1
                if self.agentsPending == 0 {
                    self.agentsDone?.succeed(self.agentIDs)
                    self.agentsDone = nil
                }
            case .failure(let error):
                self.work.finished(request, created: false)
                self.failSetup("POST /v1/agents: \(error.reason)")
            }
        case .createSession(let local):
            switch Self.created(response, prefix: "ses_") {
            case .success(let session):
                self.sessionIDs[local] = session.id
                self.statistics.sessionsCreated += 1
                self.statistics.serverHeartbeatInterval =
                    self.statistics.serverHeartbeatInterval ?? session.heartbeatInterval
                self.statistics.serverHeartbeatTimeout =
                    self.statistics.serverHeartbeatTimeout ?? session.heartbeatTimeout
                self.work.finished(request)
                self.sessionsPending -= 1
                if self.sessionsPending == 0 {
                    self.sessionsDone?.succeed()
                    self.sessionsDone = nil
                }
            case .failure(let error):
                self.work.finished(request, created: false)
                self.failSetup("POST /v1/sessions: \(error.reason)")
            }
        }
        self.dispatch(now: now)
    }

    /// `request` got no response.
    func failed(_ request: HeartbeatWorkQueue.Request, _ failure: HTTPClientStateMachine.RequestFailure, now: UInt64) {
        self.inFlight -= 1
        switch request {
        case .heartbeat(_, _, let isMeasured):
            self.work.finished(request)
            switch failure {
            case .timedOut: self.countBeat(isMeasured) { $0.timedOut += 1 }
            case .connectionLost: self.countBeat(isMeasured) { $0.connectionErrors += 1 }
            }
        case .createAgent, .createSession:
            let tries = self.attempts[request, default: 0] + 1
            self.attempts[request] = tries
            if tries < Self.maximumAttempts, self.statistics.setupError == nil {
                self.statistics.setupRetries += 1
                self.work.finished(request, created: false, retry: true)
            } else {
                self.work.finished(request, created: false)
                let what = if case .createAgent = request { "POST /v1/agents" } else { "POST /v1/sessions" }
                let why = failure == .timedOut ? "timed out" : "lost its connection"
                self.failSetup("\(what) \(why) \(tries) times")
            }
        }
        self.dispatch(now: now)
    }

    /// A connection is closed for good.
    func connectionStopped() {
        self.stoppedConnections += 1
        if self.phase == .stopping, self.stoppedConnections == self.connections.count { self.finish() }
    }

    // MARK: Ticking

    private func scheduleTick() {
        guard self.phase != .done else { return }
        let deadline = NIODeadline.uptimeNanoseconds(self.runStart + UInt64(self.lastTick + 1) * Self.tickNanoseconds)
        self.tickTask = self.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { self.tick() }
    }

    private func tick() {
        let now = self.now()
        self.lastTick = Int(now / Self.tickNanoseconds)
        if self.phase < .stopping {
            self.takeDueBeats(now: now)
        }
        if now >= self.nextConnectionCheck {
            self.nextConnectionCheck = now + Self.connectionCheckNanoseconds
            for connection in self.connections { connection.tick(now: now) }
        }
        switch self.phase {
        case .agents, .sessions:
            if now >= self.setupDeadline {
                self.failSetup(
                    "not finished within \(self.configuration.setupTimeoutSeconds) s "
                        + "(\(self.statistics.agentsCreated) agents, \(self.statistics.sessionsCreated) sessions)")
            }
        case .heartbeats:
            if now >= self.measureEnd {
                self.phase = .draining
                self.phaseDeadline = now + self.requestTimeout
            }
        case .draining:
            if (self.work.queuedBeats == 0 && self.inFlight == 0) || now >= self.phaseDeadline {
                self.beginStopping(now: now)
            }
        case .stopping:
            if now >= self.phaseDeadline {
                // A connection that outlived every timeout: close it and end anyway.
                for connection in self.connections { connection.abort() }
                self.finish()
            }
        case .done:
            return
        }
        if self.phase < .stopping { self.dispatch(now: now) }
        self.scheduleTick()
    }

    private func takeDueBeats(now: UInt64) {
        while let beat = self.cursor.next(dueBy: now, before: self.measureEnd) {
            // A loop that hears of the measured phase after some of its beats came due (a busy
            // loop, the hop took longer than the lead) keeps those as warm-up: the measured phase's
            // beats are the ones the loops counted as due in it.
            let isMeasured = self.measureStart.map { beat.scheduledNanoseconds >= $0 } ?? false
            self.countBeat(isMeasured) { $0.due += 1 }
            let disposition = self.work.beatDue(
                local: beat.local, scheduledNanoseconds: beat.scheduledNanoseconds, isMeasured: isMeasured)
            if disposition == .skipped { self.countBeat(isMeasured) { $0.skipped += 1 } }
        }
    }

    /// Hands queued work to idle connections.
    private func dispatch(now: UInt64) {
        while let connection = self.idle.last {
            guard connection.isIdle else {
                self.idle.removeLast()
                connection.isListedIdle = false
                continue
            }
            guard let request = self.work.next() else { return }
            self.idle.removeLast()
            connection.isListedIdle = false
            connection.send(request, now: now)
        }
    }

    // MARK: Ending

    /// The set-up cannot complete: nothing more is created, and whoever waits for it hears why.
    private func failSetup(_ reason: String) {
        guard self.phase < .heartbeats else { return }
        if self.statistics.setupError == nil { self.statistics.setupError = reason }
        self.endSetup(LoadGeneratorError.io("set-up failed: \(self.statistics.setupError ?? reason)"))
    }

    /// Drops the creations not sent yet and fails whatever waits for the set-up.
    private func endSetup(_ error: LoadGeneratorError) {
        guard self.phase < .heartbeats else { return }
        self.work.cancelSetup()
        self.agentsPending = 0
        self.agentsDone?.fail(error)
        self.agentsDone = nil
        self.sessionsDone?.fail(error)
        self.sessionsDone = nil
    }

    private func beginStopping(now: UInt64) {
        self.phase = .stopping
        let cancelled = self.work.cancelBeats()
        self.statistics.measured.unsent += cancelled.measured
        self.statistics.warmup.unsent += cancelled.warmup
        self.work.cancelSetup()
        self.phaseDeadline = now + max(self.requestTimeout, self.connectTimeout) + 1_000_000_000
        for connection in self.connections { connection.stop(now: now) }
        if self.stoppedConnections == self.connections.count { self.finish() }
    }

    private func finish() {
        guard self.phase != .done else { return }
        self.phase = .done
        self.tickTask?.cancel()
        self.tickTask = nil
        self.done.succeed()
    }

    // MARK: Helpers

    private func countBeat(_ isMeasured: Bool, _ update: (inout HeartbeatStatistics.Beats) -> Void) {
        if isMeasured { update(&self.statistics.measured) } else { update(&self.statistics.warmup) }
    }

    private static func created(
        _ response: HTTPResponseParser.Response, prefix: StaticString
    ) -> Result<CreatedResource, CreatedResource.ParseError> {
        guard response.status == 201 else {
            return .failure(CreatedResource.ParseError(reason: Self.describe(response)))
        }
        return CreatedResource.parse(response.body, prefix: prefix)
    }

    /// `HTTP 404: {"title":"Not Found",...}`, the body cut at 200 bytes and kept on one line.
    static func describe(_ response: HTTPResponseParser.Response) -> String {
        let body = String(decoding: response.body.prefix(200), as: UTF8.self)
            .map { $0.isNewline ? " " : $0 }
        return "HTTP \(response.status)" + (body.isEmpty ? "" : ": " + String(body))
    }
}

@available(*, unavailable)
extension HeartbeatDriver: Sendable {}
