import Core
import Foundation
import Storage
import SwitchboardTestSupport
import Testing

/// `switchboard migrate` as a deploy runs it: the real binary against SQLite and PostgreSQL. It
/// prints what it applied and exits 0; a second run applies nothing; a database it cannot use ends
/// it non-zero with one line on standard error.
@Suite(.timeLimit(.minutes(1)))
struct MigrateCommandTests {
    static var appliedLines: [String] { Schema.migrations.map { "applied \($0.version) \($0.name)" } }
    static var currentVersion: Int { Schema.migrations.map(\.version).max() ?? 0 }

    @Test func migratesTheSQLiteFileInDataDirOnce() async throws {
        let directory = NSTemporaryDirectory() + "switchboard-migrate-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await withBlockingIO {
            let first = try SwitchboardProcess.run(["migrate"], environment: ["DATA_DIR": directory])
            #expect(first.termination == .exited(0), "stderr:\n\(first.standardError)")
            let lines = first.standardOutput.split(separator: "\n").map(String.init)
            #expect(lines == Self.appliedLines + ["schema is at version \(Self.currentVersion) (sqlite)"], "\(lines)")
            #expect(FileManager.default.fileExists(atPath: directory + "/switchboard.sqlite"))

            let second = try SwitchboardProcess.run(["migrate", "--data-dir", directory])
            #expect(second.termination == .exited(0), "stderr:\n\(second.standardError)")
            #expect(second.standardOutput == "schema is at version \(Self.currentVersion) (sqlite)\n")
        }
        // The file is the schema `serve` would find.
        let database = SQLDatabase(connector: SQLiteConnector(path: directory + "/switchboard.sqlite"))
        #expect(try await Migrator().migrate(database).isEmpty)
        try await database.shutdown()
    }

    @Test func migratesThePostgreSQLDatabaseInDatabaseURLOnce() async throws {
        let url = try await PostgresTestServer.shared.makeDatabase()
        try await withBlockingIO {
            let first = try SwitchboardProcess.run(["migrate"], environment: ["DATABASE_URL": url])
            #expect(first.termination == .exited(0), "stderr:\n\(first.standardError)")
            let lines = first.standardOutput.split(separator: "\n").map(String.init)
            #expect(
                lines == Self.appliedLines + ["schema is at version \(Self.currentVersion) (postgresql)"], "\(lines)")
            #expect(!first.standardError.contains(url), "nothing echoes the URL")

            let second = try SwitchboardProcess.run(["migrate", "--database-url", url])
            #expect(second.termination == .exited(0), "stderr:\n\(second.standardError)")
            #expect(second.standardOutput == "schema is at version \(Self.currentVersion) (postgresql)\n")
        }
        let database = SQLDatabase(connector: PostgresConnector(url: url))
        #expect(try await Migrator().migrate(database).isEmpty)
        try await database.shutdown()
    }

    @Test func anUnreachableDatabaseExitsNonZeroWithOneLine() async throws {
        // Port 1 on loopback: nothing listens, so the connect is refused at once.
        let url = "postgresql://switchboard:secret-password@127.0.0.1:1/crm"
        try await withBlockingIO {
            let start = ContinuousClock.now
            let result = try SwitchboardProcess.run(["migrate"], environment: ["DATABASE_URL": url])
            #expect(ContinuousClock.now - start < .seconds(10))
            guard case .exited(let status) = result.termination else {
                Issue.record("migrate did not exit: \(result.termination)")
                return
            }
            #expect(status != 0)
            let lines = result.standardError.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count == 2 && lines[1].isEmpty, "one line on stderr, got:\n\(result.standardError)")
            #expect(lines.first?.hasPrefix("switchboard: ") == true, "\(result.standardError)")
            #expect(!result.standardError.contains("secret-password"), "the password never leaves the process")
            #expect(result.standardOutput.isEmpty, "stdout:\n\(result.standardOutput)")
        }
    }

    @Test func aDatabaseFromANewerBuildExitsNonZero() async throws {
        let url = try await PostgresTestServer.shared.makeDatabase()
        let database = SQLDatabase(connector: PostgresConnector(url: url))
        try await Migrator().migrate(database)
        try await database.transaction { connection in
            try connection.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)", .integer(999),
                .text("future"), .integer(0))
        }
        try await database.shutdown()
        try await withBlockingIO {
            let result = try SwitchboardProcess.run(["migrate"], environment: ["DATABASE_URL": url])
            #expect(result.termination != .exited(0))
            let lines = result.standardError.split(separator: "\n").map(String.init)
            #expect(lines.count == 1, "\(result.standardError)")
            #expect(lines.first?.contains("999") == true, "the line names the version: \(result.standardError)")
        }
    }

    @Test func helpNamesTheDatabaseOptions() async throws {
        try await withBlockingIO {
            let result = try SwitchboardProcess.run(["migrate", "--help"])
            #expect(result.termination == .exited(0), "stderr:\n\(result.standardError)")
            #expect(result.standardOutput.contains("--database-url"))
            #expect(result.standardOutput.contains("--data-dir"))
        }
    }
}
