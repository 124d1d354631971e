import Core
import Foundation
import Storage
import SwitchboardTestSupport

/// A connector to a new empty database of `backend`: a SQLite file under the temporary directory
/// (returned so the caller can delete it), or a new database on the shared PostgreSQL cluster.
func makeEmptyDatabase(_ backend: StorageBackend) async throws -> (connector: any SQLConnector, file: String?) {
    switch backend {
    case .sqlite:
        let file = NSTemporaryDirectory() + "switchboard-crm-\(UUID().uuidString).sqlite"
        return (SQLiteConnector(path: file), file)
    case .postgresql:
        return (PostgresConnector(url: try await PostgresTestServer.shared.makeDatabase()), nil)
    }
}

/// Runs `body` with pools over one new empty database of `backend` (`pools` of them, each with its
/// own connections, as separate server instances would have), shut down and deleted afterwards.
func withEmptyDatabases(
    _ backend: StorageBackend, pools: Int = 1, _ body: ([SQLDatabase]) async throws -> Void
) async throws {
    let (connector, file) = try await makeEmptyDatabase(backend)
    var configuration = SQLDatabase.Configuration()
    configuration.poolSize = 2
    let databases = (0..<pools).map { _ in SQLDatabase(connector: connector, configuration: configuration) }
    defer {
        if let file {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: file + suffix) }
        }
    }
    do {
        try await body(databases)
    } catch {
        for database in databases { try? await database.shutdown() }
        throw error
    }
    for database in databases { try await database.shutdown() }
}

/// Runs `body` with a store over a new, migrated database of `backend`.
func withMigratedStore(_ backend: StorageBackend, _ body: (CRMStore) async throws -> Void) async throws {
    try await withEmptyDatabases(backend) { databases in
        try await Migrator().migrate(databases[0])
        try await body(CRMStore(database: databases[0]))
    }
}

extension SQLDatabase {
    /// `SELECT count(*)` of a table (a constant name from the test, never input).
    func count(_ table: String) async throws -> Int64 {
        try await self.read { connection in
            try connection.query("SELECT count(*) AS n FROM \(table)").first?.integer("n") ?? -1
        }
    }
}

/// Callers as the audit log names them.
enum TestActors {
    static let admin = AuditActor(id: "key_0123456789ab", role: "admin")
    static let agent = AuditActor(id: "key_ba9876543210", role: "agent")
}
