import Logging
import ServiceLifecycle
public import Storage

/// Owns the database for the server's lifetime: brings the schema up to date (retrying with
/// backoff while the database is down at start-up), and closes the pool last on shutdown.
struct StorageService: Service {
    let database: SQLDatabase
    let gate: StorageGate
    let logger: Logger

    func run() async throws {
        var delay = Duration.milliseconds(250)
        retrying: while !self.gate.isOpen, !Task.isShuttingDownGracefully, !Task.isCancelled {
            switch await Self.migrate(self.database, gate: self.gate, logger: self.logger) {
            case .current, .incompatible: break retrying
            case .unreachable: break
            }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(5))
        }
        try? await gracefulShutdown()
        try await self.database.shutdown()
    }

    /// One attempt.
    static func migrate(_ database: SQLDatabase, gate: StorageGate, logger: Logger) async -> MigrationOutcome {
        do {
            let applied = try await Migrator().migrate(database)
            for migration in applied {
                logger.info(
                    "Applied migration",
                    metadata: ["storage.version": "\(migration.version)", "storage.migration": "\(migration.name)"])
            }
            gate.open()
            return .current
        } catch let error as MigrationError {
            // Retrying cannot help: this build and the database disagree about the schema.
            logger.critical("The database schema does not fit this build", metadata: ["error": "\(error)"])
            return .incompatible(error)
        } catch {
            logger.error(
                "Could not migrate the database; CRM routes answer 503 until it works",
                metadata: ["storage.database": "\(database.dialect.rawValue)", "error": "\(error)"])
            return .unreachable
        }
    }
}

/// What one migration attempt found.
public enum MigrationOutcome: Sendable {
    /// The schema is up to date; CRM routes are open.
    case current
    /// The database could not be reached or the migration failed; the storage service retries.
    case unreachable
    /// The database's schema is newer than, or differs from, this build's: start-up should stop.
    case incompatible(MigrationError)
}
