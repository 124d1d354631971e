import Core
import Logging
import ServiceLifecycle

/// Runs on every instance: once a second it expires silent sessions (the store makes sure each one
/// is expired by one instance only), announces due presence changes, and writes the rows still owed (see
/// ``SessionCoordinator/recordOwed(at:)``);
/// and it closes this instance's connections of sessions that end anywhere.
struct SessionReaper: Service {
    let coordinator: SessionCoordinator
    let connections: SessionConnections
    let logger: Logger
    /// Subscribed when the service is made, so no ending is missed between start and `run`.
    let endings: AsyncStream<String>
    var interval: Duration

    init(coordinator: SessionCoordinator, connections: SessionConnections, logger: Logger) {
        self.coordinator = coordinator
        self.connections = connections
        self.logger = logger
        self.endings = coordinator.store.endings(bufferSize: 4096)
        // Often enough that expiry is at most a second late, and a quarter of short test timeouts.
        let policy = coordinator.policy
        self.interval = min(.seconds(1), policy.heartbeatTimeout / 4)
    }

    func run() async throws {
        await withDiscardingTaskGroup { group in
            let endings = self.endings
            let connections = self.connections
            group.addTask {
                for await sessionID in endings { connections.closeAll(sessionID: sessionID) }
            }
            await cancelWhenGracefulShutdown { await self.reapUntilCancelled() }
            group.cancelAll()
        }
    }

    private func reapUntilCancelled() async {
        var failing = false
        while !Task.isCancelled {
            do {
                let now = Timestamp.now()
                try await self.coordinator.reap(at: now)
                try await self.coordinator.recordOwed(at: now)
                if failing {
                    self.logger.notice("Session reaper is working again")
                    failing = false
                }
            } catch {
                // Once per outage: a dead store fails every pass.
                if !failing {
                    self.logger.warning(
                        "Session reaper could not reach the session store", metadata: ["error": "\(error)"])
                    failing = true
                }
            }
            try? await Task.sleep(for: self.interval)
        }
    }
}
