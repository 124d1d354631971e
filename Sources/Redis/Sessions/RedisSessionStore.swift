public import Core
public import Logging
public import ServiceLifecycle
import Synchronization

/// The shared ``Core/SessionStore``: sessions in Redis, so every instance agrees on who is online.
///
/// Heartbeats of sessions this instance knows are answered without I/O and written every
/// coalescing window in one pipelined write, whatever their number: one round trip per window.
/// Other changes are Lua scripts, atomic on the server, so racing instances cannot end a session
/// twice; the reaper additionally holds a fenced lock so that one instance sweeps at a time.
///
/// A session is active exactly while it is in `sessions:alive`, scored by its last heartbeat. So
/// a window's beats are one `ZADD XX GT CH` (per ``beatsPerCommand``): `XX` refuses what is over
/// or gone, `GT` keeps a late beat from moving a session back, and the count of changed members
/// says whether any was refused. Beats leave the hash alone; readers take the score, and the
/// scripts that change a session write it into the hash (``RedisSessionScripts``). At 20,000
/// beats a second this is most of what Redis does, and a script that read and wrote each hash
/// cost it three commands a beat and several times the CPU.
///
/// It is a `Service`: `run()` writes the batches and listens for ends announced by other instances.
public final class RedisSessionStore: SessionStore, Service {
    public let policy: SessionPolicy
    private let client: RedisClient
    private let keys: RedisSessionKeys
    private let logger: Logger
    private let batch: Mutex<HeartbeatBatch>
    /// The latest ``flush()``, which the next one waits for.
    private let lastFlush = Mutex<Task<Void, any Error>?>(nil)
    private let watchers = SessionEndings()
    /// The reaper lock's fencing token this instance holds, `""` for none.
    private let fence = Mutex("")
    private let reconnectHoldOff: Duration

    /// Sessions one reaper pass expires at most; the rest wait a pass.
    static let reapLimit = 1000
    /// Reaper lock lifetime: three passes, so one slow pass does not hand the lock over.
    static let lockTimeToLive: Duration = .seconds(3)
    /// How often heartbeats refresh a session key's TTL (``SessionPolicy/ttl``): a minute, so that
    /// a beat every 5 s costs one `PEXPIRE` in twelve and the key still lives an hour after the
    /// last beat, give or take that minute; a TTL under four minutes is refreshed every quarter of
    /// it.
    static let ttlRefreshInterval: Duration = .seconds(60)
    /// Heartbeats one `ZADD` carries at most; a bigger batch is several in one pipelined write
    /// (still one round trip). Redis runs one command at a time and nothing else meanwhile, so a
    /// batch held through an outage (up to every session) must not become one command that
    /// outlasts the command timeout, fails, is held again, and never gets through.
    let beatsPerCommand: Int

    /// - Parameters:
    ///   - keyPrefix: the namespace of every key; instances that share sessions share it.
    ///   - reconnectHoldOff: how long after (re)connecting this instance waits before it reaps, so
    ///     that heartbeats other instances held while Redis was away land first; the heartbeat
    ///     timeout by default.
    ///   - beatsPerCommand: heartbeats one `ZADD` carries at most.
    public init(
        client: RedisClient, policy: SessionPolicy = SessionPolicy(), keyPrefix: String = "sb:",
        reconnectHoldOff: Duration? = nil, beatsPerCommand: Int = 2000, logger: Logger
    ) {
        precondition(beatsPerCommand > 0)
        self.beatsPerCommand = beatsPerCommand
        // A short TTL (tests, small deployments) is refreshed at least four times within it.
        self.batch = Mutex(HeartbeatBatch(refreshInterval: min(Self.ttlRefreshInterval, policy.ttl / 4)))
        self.client = client
        self.reconnectHoldOff = reconnectHoldOff ?? policy.heartbeatTimeout
        self.policy = policy
        self.keys = RedisSessionKeys(prefix: keyPrefix)
        self.logger = logger
    }

    public func run() async throws {
        let subscription = self.client.subscribe(to: [self.keys.endings])
        await withDiscardingTaskGroup { group in
            group.addTask {
                for await message in subscription {
                    self.ended(String(decoding: message.payload, as: UTF8.self))
                }
            }
            await cancelWhenGracefulShutdown { await self.flushUntilCancelled() }
            // The last heartbeats accepted before shutdown still reach Redis.
            try? await self.flush()
            group.cancelAll()
        }
    }

    private func flushUntilCancelled() async {
        var failing = false
        while !Task.isCancelled {
            try? await Task.sleep(for: self.policy.coalescingWindow)
            do {
                try await self.flush()
                if failing {
                    self.logger.notice("Heartbeats reach Redis again")
                    failing = false
                }
            } catch {
                if !failing {
                    self.logger.warning(
                        "Could not write heartbeats to Redis; holding them until it answers",
                        metadata: ["error": "\(error)"])
                    failing = true
                }
            }
        }
    }

    // MARK: SessionStore

    public func create(_ session: Session) async throws(SessionStoreError) {
        let agentKey = self.keys.agent(session.agentID)
        let ttl = String(self.policy.ttl.milliseconds)
        let replies = try await self.pipeline([
            RedisCommand(["MULTI"]),
            RedisCommand(["HSET", self.keys.session(session.id)] + session.redisFields),
            RedisCommand(["PEXPIRE", self.keys.session(session.id), ttl]),
            RedisCommand(["ZADD", self.keys.alive, String(session.lastHeartbeatAt.microseconds), session.id]),
            RedisCommand(["ZADD", agentKey, String(session.startedAt.microseconds), session.id]),
            RedisCommand(["ZREMRANGEBYRANK", agentKey, "0", String(-RedisSessionKeys.sessionsPerAgent - 1)]),
            RedisCommand(["PEXPIRE", agentKey, ttl]),
            RedisCommand(["EXEC"]),
        ])
        guard let exec = replies.last, exec.array != nil else {
            throw SessionStoreError(unavailable: "Redis did not apply the new session: \(replies.last ?? .null)")
        }
        self.batch.withLock { $0.learn(session.id, refreshedAt: session.startedAt.microseconds) }
    }

    public func session(id: String) async throws(SessionStoreError) -> Session? {
        let replies = try await self.pipeline([
            RedisCommand(["HGETALL", self.keys.session(id)]), RedisCommand(["ZSCORE", self.keys.alive, id]),
        ])
        return Session(id: id, redisHash: replies[0], aliveScore: replies[1])
    }

    public func sessions(agentID: String?, state: Session.State?, limit: Int) async throws(SessionStoreError)
        -> [Session]
    {
        // The newest ids of each index that can hold a match, then their hashes in one pipeline.
        let window = String(max(limit, 1000) - 1)
        var indexes: [String] = []
        if let agentID {
            indexes = [self.keys.agent(agentID)]
        } else {
            if state == nil || state == .active { indexes.append(self.keys.alive) }
            if state != .active { indexes.append(self.keys.over) }
        }
        let lists = try await self.pipeline(indexes.map { RedisCommand(["ZREVRANGE", $0, "0", window]) })
        let ids = Array(Set(lists.flatMap { $0.array ?? [] }.compactMap(\.string)))
        let found = try await self.fetch(ids)
        return
            found
            .filter { state == nil || $0.state == state }
            .sorted { ($0.startedAt, $0.id) > ($1.startedAt, $1.id) }
            .prefix(max(0, limit))
            .map { $0 }
    }

    public func sessions(ofAgents agentIDs: [String]) async throws(SessionStoreError) -> [String: [Session]] {
        guard !agentIDs.isEmpty else { return [:] }
        let lists = try await self.pipeline(
            agentIDs.map { RedisCommand(["ZREVRANGE", self.keys.agent($0), "0", "-1"]) })
        let ids = lists.flatMap { $0.array ?? [] }.compactMap(\.string)
        let sessions = try await self.fetch(ids)
        var result = Dictionary(uniqueKeysWithValues: agentIDs.map { ($0, [Session]()) })
        for session in sessions { result[session.agentID, default: []].append(session) }
        return result
    }

    public func heartbeat(id: String, at time: Timestamp) async throws(SessionStoreError) -> HeartbeatOutcome {
        if self.acceptKnownHeartbeat(id: id, at: time) { return .accepted }
        // Not known here (opened on another instance, or over): ask Redis, and learn the answer.
        let beat = HeartbeatWrite(beats: [id: time.microseconds], refreshes: [id])
        if let refused = try await self.write(beat)[id] { return refused }
        self.batch.withLock { $0.learn(id, refreshedAt: time.microseconds) }
        return .accepted
    }

    public func acceptKnownHeartbeat(id: String, at time: Timestamp) -> Bool {
        self.batch.withLock { $0.accept(id, atMicroseconds: time.microseconds) }
    }

    public func setPresence(_ presence: Presence, id: String, at time: Timestamp) async throws(SessionStoreError)
        -> SessionChange
    {
        try await self.change(
            RedisSessionScripts.setPresence, id: id, [presence.rawValue, String(time.microseconds)])
    }

    public func end(id: String, at time: Timestamp) async throws(SessionStoreError) -> SessionChange {
        let change = try await self.change(
            RedisSessionScripts.end, id: id,
            [String(time.microseconds), String(self.policy.ttl.milliseconds), self.keys.endings])
        if case .changed = change { self.ended(id) }
        return change
    }

    public func expireSilent(at now: Timestamp) async throws(SessionStoreError) -> [Session] {
        try await self.flush()
        // After Redis was unreachable, other instances may still hold heartbeats they could not
        // write; they reconnect (with backoff well under the timeout) and write them first.
        guard let since = self.client.connectedSince, ContinuousClock.now - since >= self.reconnectHoldOff
        else { return [] }
        let held = self.fence.withLock { $0 }
        let reply = try await self.eval(
            RedisSessionScripts.reap,
            [
                held, String(Self.lockTimeToLive.milliseconds),
                String(self.policy.silenceCutoff(at: now).microseconds), String(now.microseconds),
                String(self.policy.ttl.milliseconds), String(Self.reapLimit), self.keys.endings,
            ])
        guard let items = reply.array, let token = items.first?.string else {
            throw SessionStoreError(unavailable: "unexpected reaper reply \(reply)")
        }
        guard token != "busy" else {
            self.fence.withLock { $0 = "" }
            return []
        }
        self.fence.withLock { $0 = token }
        var expired: [Session] = []
        for index in stride(from: 1, to: items.count - 1, by: 2) {
            guard let id = items[index].string, let session = Session(id: id, redisHash: items[index + 1]) else {
                continue
            }
            expired.append(session)
            self.ended(id)
        }
        return expired
    }

    public func unrecorded(endedBefore: Timestamp, limit: Int) async throws(SessionStoreError) -> [Session] {
        guard limit > 0 else { return [] }
        let reply = try await self.send(
            RedisCommand([
                "ZRANGEBYSCORE", self.keys.unrecorded, "-inf", "(" + String(endedBefore.microseconds), "LIMIT", "0",
                String(limit),
            ]))
        let ids = (reply.array ?? []).compactMap(\.string)
        let sessions = try await self.fetch(ids)
        // A hash gone (its TTL ran out) or damaged leaves nothing to record: no longer owed.
        let gone = Set(ids).subtracting(sessions.map(\.id))
        if !gone.isEmpty { try await self.recorded(Array(gone)) }
        return sessions
    }

    public func recorded(_ ids: [String]) async throws(SessionStoreError) {
        guard !ids.isEmpty else { return }
        _ = try await self.send(RedisCommand(["ZREM", self.keys.unrecorded] + ids))
    }

    public func endings(bufferSize: Int) -> AsyncStream<String> {
        self.watchers.watch(bufferSize: bufferSize)
    }

    // MARK: Heartbeat batches

    /// Writes the pending heartbeats now, in one round trip; on failure they are kept for the next.
    ///
    /// When it returns, every heartbeat accepted before the call is in Redis: flushes run one after
    /// another, so a flush that finds the batch just taken by one still in flight waits for that
    /// write. The reaper flushes before it looks for silent sessions; without the wait, its script
    /// could run (on another pooled connection) ahead of the heartbeats in flight and expire
    /// sessions that were beating.
    public func flush() async throws(SessionStoreError) {
        let flush = self.lastFlush.withLock { last in
            let previous = last
            let next = Task {
                _ = await previous?.result
                try await self.writePending()
            }
            last = next
            return next
        }
        do {
            try await flush.value
        } catch let error as SessionStoreError {
            throw error
        } catch {
            throw SessionStoreError(unavailable: "\(error)")
        }
    }

    private func writePending() async throws(SessionStoreError) {
        let pending = self.batch.withLock { $0.take() }
        guard !pending.isEmpty else { return }
        do {
            _ = try await self.write(pending)
        } catch {
            self.batch.withLock { $0.restore(pending) }
            throw error
        }
    }

    /// Writes `write`: the heartbeats refused, by session, which are forgotten here; every other
    /// beat was accepted. One round trip, and more only when a beat was refused or repeated.
    private func write(_ write: HeartbeatWrite) async throws(SessionStoreError) -> [String: HeartbeatOutcome] {
        let ttl = String(self.policy.ttl.milliseconds)
        var zadds: [RedisCommand] = []
        for (index, (id, time)) in write.beats.enumerated() {
            if index % self.beatsPerCommand == 0 {
                let size = min(self.beatsPerCommand, write.beats.count - index)
                var zadd = RedisCommand(["ZADD", self.keys.alive, "XX", "GT", "CH"])
                // 16 digits of a µs time, and an id of about 36 bytes.
                zadd.reserveCapacity(arguments: size * 2, bytes: size * 56)
                zadds.append(zadd)
            }
            zadds[zadds.count - 1].append(time)
            zadds[zadds.count - 1].append(id)
        }
        let replies = try await self.pipeline(
            zadds + write.refreshes.map { RedisCommand(["PEXPIRE", self.keys.session($0), ttl]) })
        let counts = replies.compactMap(\.integer)
        guard counts.count == replies.count else {
            throw SessionStoreError(unavailable: "unexpected heartbeat replies \(replies)")
        }
        let changed = counts.prefix(zadds.count).reduce(0, +)
        let refreshed = counts.dropFirst(zadds.count)
        var refused: [String: HeartbeatOutcome] = [:]
        if changed < write.beats.count { refused = try await self.refusals(among: Array(write.beats.keys)) }
        // A hash that is gone (evicted, or its TTL ran out) while its session looked alive.
        let vanished = zip(write.refreshes, refreshed).filter { $1 == 0 && refused[$0] == nil }.map(\.0)
        if !vanished.isEmpty {
            _ = try await self.send(RedisCommand(["ZREM", self.keys.alive] + vanished))
            for id in vanished { refused[id] = .notFound }
        }
        if !refused.isEmpty { self.batch.withLock { batch in refused.keys.forEach { batch.forget($0) } } }
        return refused
    }

    /// Which of `ids` are not active, and what they are instead. Not atomic with the `ZADD`
    /// before it: a session that ends in between is reported ended, as it is by then.
    private func refusals(among ids: [String]) async throws(SessionStoreError) -> [String: HeartbeatOutcome] {
        let chunks = stride(from: 0, to: ids.count, by: self.beatsPerCommand).map {
            ids[$0..<min($0 + self.beatsPerCommand, ids.count)]
        }
        let scores = try await self.pipeline(chunks.map { RedisCommand(["ZMSCORE", self.keys.alive] + $0) })
            .flatMap { $0.array ?? [] }
        guard scores.count == ids.count else { throw SessionStoreError(unavailable: "unexpected ZMSCORE reply") }
        let over = zip(ids, scores).compactMap { id, score in score.string == nil ? id : nil }
        guard !over.isEmpty else { return [:] }
        let states = try await self.pipeline(over.map { RedisCommand(["HGET", self.keys.session($0), "state"]) })
        var refused: [String: HeartbeatOutcome] = [:]
        for (id, state) in zip(over, states) {
            refused[id] =
                switch state.string {
                case "expired": .over(.expired)
                case "ended": .over(.ended)
                default: .notFound
                }
        }
        return refused
    }

    // MARK: Helpers

    /// A session ended or expired somewhere: forget it and tell the watchers.
    private func ended(_ id: String) {
        self.batch.withLock { $0.forget(id) }
        self.watchers.announce(id)
    }

    private func change(_ script: String, id: String, _ arguments: [String]) async throws(SessionStoreError)
        -> SessionChange
    {
        let reply = try await self.eval(script, [id] + arguments)
        guard let items = reply.array, let code = items.first?.integer else {
            throw SessionStoreError(unavailable: "unexpected reply \(reply)")
        }
        guard code != 0 else { return .notFound }
        guard items.count == 2, let session = Session(id: id, redisHash: items[1]) else {
            throw SessionStoreError(unavailable: "session \(id) is damaged in Redis")
        }
        return code == 1 ? .changed(session) : .over(session)
    }

    private func fetch(_ ids: [String]) async throws(SessionStoreError) -> [Session] {
        guard !ids.isEmpty else { return [] }
        let replies = try await self.pipeline(
            ids.map { RedisCommand(["HGETALL", self.keys.session($0)]) }
                + [RedisCommand(["ZMSCORE", self.keys.alive] + ids)])
        let scores = replies.last?.array ?? []
        return ids.indices.compactMap { index in
            Session(
                id: ids[index], redisHash: replies[index], aliveScore: index < scores.count ? scores[index] : .null)
        }
    }

    /// `script` with this store's prefix as `ARGV[1]` and `arguments` after it (no `KEYS`).
    private func eval(_ script: String, _ arguments: [String]) async throws(SessionStoreError) -> RESPValue {
        try await self.send(RedisCommand(["EVAL", script, "0", self.keys.prefix] + arguments))
    }

    private func send(_ command: RedisCommand) async throws(SessionStoreError) -> RESPValue {
        do {
            return try await self.client.send(command)
        } catch {
            throw SessionStoreError(unavailable: "\(error)")
        }
    }

    private func pipeline(_ commands: [RedisCommand]) async throws(SessionStoreError) -> [RESPValue] {
        do {
            return try await self.client.pipeline(commands)
        } catch {
            throw SessionStoreError(unavailable: "\(error)")
        }
    }
}

extension Duration {
    /// Whole milliseconds, for Redis TTLs.
    var milliseconds: Int64 { self.microseconds / 1000 }
}
