/// Where sessions live in Redis, under one prefix (`sb:` by default) so that several deployments
/// or test runs can share a server.
///
/// - `session:{id}`: a hash of the session's fields, TTL refreshed by heartbeats;
/// - `sessions:alive`: active session ids scored by last heartbeat (µs), which the reaper scans;
/// - `sessions:over`: ended and expired ids scored by their end, kept for the TTL;
/// - `sessions:unrecorded`: the same, until their database row is written (or the TTL ends);
/// - `agent:{id}:sessions`: an agent's newest session ids scored by start;
/// - `reaper:lock`, `reaper:fence`: the reaper lock and its fencing-token counter;
/// - `sessions:ended`: the channel on which every end and expiry is announced.
struct RedisSessionKeys: Sendable, Hashable {
    let prefix: String

    func session(_ id: String) -> String { self.prefix + "session:" + id }
    var alive: String { self.prefix + "sessions:alive" }
    var over: String { self.prefix + "sessions:over" }
    var unrecorded: String { self.prefix + "sessions:unrecorded" }
    func agent(_ id: String) -> String { self.prefix + "agent:" + id + ":sessions" }
    var endings: String { self.prefix + "sessions:ended" }

    /// How many of an agent's sessions the agent index keeps.
    static let sessionsPerAgent = 100
}
