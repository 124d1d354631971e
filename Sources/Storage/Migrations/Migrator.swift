import Core

/// Applies the migrations a database lacks. Safe to run from many instances at once: PostgreSQL
/// takes an advisory lock for the transaction, and SQLite's `BEGIN IMMEDIATE` already excludes other
/// writers; whoever comes second sees the versions already applied.
public struct Migrator: Sendable {
    public let migrations: [Migration]

    public init(migrations: [Migration] = Schema.migrations) {
        self.migrations = migrations
    }

    /// The migrations applied by this call, oldest first.
    @discardableResult
    public func migrate(_ database: SQLDatabase) async throws -> [Migration] {
        let migrations = self.migrations
        return try await database.transaction { connection in
            if connection.dialect == .postgresql {
                // Before anything else: two instances creating the table at once would collide in
                // PostgreSQL's catalog. Any constant works; it only has to be the same everywhere.
                _ = try connection.query("SELECT pg_advisory_xact_lock(7383)")
            }
            try connection.executeScript(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)
                """)
            let applied = try connection.query("SELECT version, name FROM schema_migrations ORDER BY version")
            var known: [Int: String] = [:]
            for row in applied { known[Int(try row.integer("version"))] = try row.text("name") }
            if let newest = known.keys.max(), newest > (migrations.map(\.version).max() ?? 0) {
                throw MigrationError.databaseIsNewer(version: newest)
            }
            var done: [Migration] = []
            for migration in migrations {
                if let name = known[migration.version] {
                    guard name == migration.name else {
                        throw MigrationError.mismatch(
                            version: migration.version, applied: name, expected: migration.name)
                    }
                    continue
                }
                try connection.executeScript(migration.sql)
                try connection.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                    .integer(Int64(migration.version)), .text(migration.name),
                    .integer(Timestamp.now().microseconds))
                done.append(migration)
            }
            return done
        }
    }
}

/// Why the schema cannot be brought up to date; start-up stops with this message.
public enum MigrationError: Error, Sendable, CustomStringConvertible {
    case databaseIsNewer(version: Int)
    case mismatch(version: Int, applied: String, expected: String)

    public var description: String {
        switch self {
        case .databaseIsNewer(let version):
            "the database has schema version \(version), newer than this build knows; upgrade Switchboard"
        case .mismatch(let version, let applied, let expected):
            "schema version \(version) was applied as \(applied), but this build calls it \(expected)"
        }
    }
}
