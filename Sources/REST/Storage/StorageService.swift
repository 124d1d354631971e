import Logging
import ServiceLifecycle
import Storage

/// Owns the database for the server's lifetime: brings the schema up to date (retrying with
/// backoff while the database is down at start-up), and closes the pool last on shutdown.
struct StorageService: Service {
    let database: SQLDatabase
    let gate: StorageGate
    let logger: Logger

    func run() async throws {
        var delay = Duration.milliseconds(250)
        while !self.gate.isOpen, !Task.isShuttingDownGracefully, !Task.isCancelled {
            if await Self.migrate(self.database, gate: self.gate, logger: self.logger) { break }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(5))
        }
        try? await gracefulShutdown()
        try await self.database.shutdown()
    }

    /// One attempt; `true` when the schema is current.
    static func migrate(_ database: SQLDatabase, gate: StorageGate, logger: Logger) async -> Bool {
        do {
            let applied = try await Migrator().migrate(database)
            for migration in applied {
                logger.info(
                    "Applied migration",
                    metadata: ["storage.version": "\(migration.version)", "storage.migration": "\(migration.name)"])
            }
            gate.open()
            return true
        } catch {
            logger.error(
                "Could not migrate the database; CRM routes answer 503 until it works",
                metadata: ["storage.database": "\(database.dialect.rawValue)", "error": "\(error)"])
            return false
        }
    }
}
