import Core
import Redis

/// `/ready`'s `redis` check (only with `REDIS_URL`): Redis answers a `PING` within the command timeout.
struct RedisCheck: ReadinessCheck {
    let client: RedisClient

    var name: String { "redis" }

    func check() async -> ReadinessReport {
        do {
            _ = try await self.client.send(RedisCommand(["PING"]))
            return .ok
        } catch {
            return ReadinessReport(isReady: false, detail: error.isUnavailable ? "unreachable" : "\(error)")
        }
    }
}
