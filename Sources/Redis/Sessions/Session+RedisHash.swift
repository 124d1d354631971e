import Core

extension Session {
    /// The hash fields `HSET` stores, as name/value pairs.
    var redisFields: [String] {
        var fields = [
            "agent", self.agentID, "client", self.client, "state", self.state.rawValue, "presence",
            self.presence.rawValue, "token", self.tokenHash, "started", String(self.startedAt.microseconds), "last",
            String(self.lastHeartbeatAt.microseconds), "presence_at", String(self.presenceChangedAt.microseconds),
        ]
        if let endedAt = self.endedAt { fields += ["ended", String(endedAt.microseconds)] }
        return fields
    }

    /// A session from `HGETALL`'s flat name/value list; `nil` for an empty (gone) or damaged hash.
    /// `aliveScore` is its score in `sessions:alive` (`ZSCORE`, `ZMSCORE`), the last heartbeat of
    /// an active session: heartbeats move the score, not the hash (see
    /// ``RedisSessionScripts/heartbeat``).
    init?(id: String, redisHash reply: RESPValue, aliveScore: RESPValue = .null) {
        guard let items = reply.array, !items.isEmpty, items.count % 2 == 0 else { return nil }
        var fields: [String: String] = [:]
        for index in stride(from: 0, to: items.count, by: 2) {
            guard let name = items[index].string, let value = items[index + 1].string else { return nil }
            fields[name] = value
        }
        func time(_ name: String) -> Timestamp? { fields[name].flatMap(Int64.init).map(Timestamp.init(microseconds:)) }
        guard let agentID = fields["agent"], let client = fields["client"],
            let state = fields["state"].flatMap(State.init(rawValue:)),
            let presence = fields["presence"].flatMap(Presence.init(rawValue:)), let token = fields["token"],
            let started = time("started"), var last = time("last")
        else { return nil }
        if let score = aliveScore.string.flatMap(Double.init), let micros = Int64(exactly: score.rounded()) {
            last = max(last, Timestamp(microseconds: micros))
        }
        self.init(
            id: id, agentID: agentID, client: client, state: state, presence: presence, tokenHash: token,
            startedAt: started, lastHeartbeatAt: last, presenceChangedAt: time("presence_at"),
            endedAt: time("ended"))
    }
}
