import Core
import Storage
import SwitchboardTestSupport
import Testing

/// Versioned migrations on both backends: applied once, safe to race, and refused on a database
/// that a newer (or different) build migrated.
@Suite(.timeLimit(.minutes(1)))
struct MigratorTests {
    @Test(arguments: StorageBackend.allCases)
    func migrationsApplyOnceAndASecondRunAppliesNothing(backend: StorageBackend) async throws {
        try await withEmptyDatabases(backend) { databases in
            let database = databases[0]
            let first = try await Migrator().migrate(database)
            #expect(first.map(\.version) == Schema.migrations.map(\.version))
            #expect(first.map(\.name) == Schema.migrations.map(\.name))

            let second = try await Migrator().migrate(database)
            #expect(second.isEmpty, "a second run applied \(second.map(\.version))")
            #expect(try await database.count("schema_migrations") == Int64(Schema.migrations.count))

            // The schema is usable: every CRM table answers.
            for table in ["customers", "agents", "tickets", "ticket_tags", "messages", "calls", "audit_log"] {
                #expect(try await database.count(table) == 0, "\(table)")
            }
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func racingMigratorsBothSucceedAndApplyEachMigrationOnce(backend: StorageBackend) async throws {
        // Separate pools, as separate server instances starting at once would have.
        try await withEmptyDatabases(backend, pools: 4) { databases in
            let applied = try await withThrowingTaskGroup(of: [Migration].self) { group in
                for database in databases {
                    group.addTask { try await Migrator().migrate(database) }
                }
                var all: [[Migration]] = []
                for try await result in group { all.append(result) }
                return all
            }
            #expect(applied.count == databases.count, "every migrator succeeded")
            #expect(applied.flatMap { $0 }.map(\.version).sorted() == Schema.migrations.map(\.version).sorted())
            #expect(applied.filter { !$0.isEmpty }.count == 1, "exactly one migrator applied the schema")
            #expect(try await databases[0].count("schema_migrations") == Int64(Schema.migrations.count))
            let store = CRMStore(database: databases[1])
            let customer = try await store.createCustomer(
                name: "Ann", email: "ann@example.com", phone: nil, by: TestActors.admin)
            #expect(try await CRMStore(database: databases[2]).customer(id: customer.id) == customer)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func aDatabaseWithANewerVersionIsRefused(backend: StorageBackend) async throws {
        try await withEmptyDatabases(backend) { databases in
            let database = databases[0]
            try await Migrator().migrate(database)
            try await database.transaction { connection in
                try connection.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)", .integer(999),
                    .text("from-the-future"), .integer(Timestamp.now().microseconds))
            }
            let error = try await #require(throws: MigrationError.self) { try await Migrator().migrate(database) }
            guard case .databaseIsNewer(let version) = error else {
                Issue.record("expected databaseIsNewer, got \(error)")
                return
            }
            #expect(version == 999)
            #expect(error.description.contains("999"))
            // Nothing was changed by the refused run.
            #expect(try await database.count("schema_migrations") == Int64(Schema.migrations.count) + 1)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func aMigrationAppliedUnderAnotherNameIsRefused(backend: StorageBackend) async throws {
        try await withEmptyDatabases(backend) { databases in
            let database = databases[0]
            let renamed = Schema.migrations.map { Migration(version: $0.version, name: $0.name + "-old", sql: $0.sql) }
            try await Migrator(migrations: renamed).migrate(database)
            let error = try await #require(throws: MigrationError.self) { try await Migrator().migrate(database) }
            guard case .mismatch(let version, _, _) = error else {
                Issue.record("expected mismatch, got \(error)")
                return
            }
            #expect(version == Schema.migrations[0].version)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func aFailingMigrationLeavesNoTrace(backend: StorageBackend) async throws {
        try await withEmptyDatabases(backend) { databases in
            let database = databases[0]
            let broken =
                Schema.migrations + [
                    Migration(
                        version: 1000, name: "broken",
                        sql: "CREATE TABLE half_done (id TEXT PRIMARY KEY); SELECT no_such_column FROM half_done")
                ]
            await #expect(throws: SQLError.self) { try await Migrator(migrations: broken).migrate(database) }
            // Each run is one transaction: the good migrations before it were rolled back too.
            let applied = try await Migrator().migrate(database)
            #expect(applied.map(\.version) == Schema.migrations.map(\.version))
            await #expect(throws: SQLError.self) { try await database.count("half_done") }
        }
    }
}
