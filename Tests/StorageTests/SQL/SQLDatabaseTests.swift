import Core
import Foundation
import Storage
import SwitchboardTestSupport
import Testing

/// A pool over a fresh database of `backend` (a temp SQLite file, or a new PostgreSQL database).
func withDatabase(
    _ backend: StorageBackend, poolSize: Int = 4, _ body: (SQLDatabase) async throws -> Void
) async throws {
    var configuration = SQLDatabase.Configuration()
    configuration.poolSize = poolSize
    let connector: any SQLConnector
    var file: String?
    switch backend {
    case .sqlite:
        file = NSTemporaryDirectory() + "switchboard-sql-\(UUID().uuidString).sqlite"
        connector = SQLiteConnector(path: file!)
    case .postgresql:
        connector = PostgresConnector(url: try await PostgresTestServer.shared.makeDatabase())
    }
    let database = SQLDatabase(connector: connector, configuration: configuration)
    defer {
        if let file {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: file + suffix) }
        }
    }
    do {
        try await body(database)
    } catch {
        try? await database.shutdown()
        throw error
    }
    try await database.shutdown()
}

/// The pool and transaction rules both backends must keep, through the same SQL.
@Suite struct SQLDatabaseTests {
    @Test(arguments: StorageBackend.allCases)
    func valuesRoundTrip(backend: StorageBackend) async throws {
        try await withDatabase(backend) { database in
            let rows = try await database.transaction { connection in
                try connection.executeScript("CREATE TABLE t (i BIGINT, r DOUBLE PRECISION, s TEXT, n TEXT)")
                try connection.execute(
                    "INSERT INTO t (i, r, s, n) VALUES ($1, $2, $3, $4)", .integer(Int64.max), .real(-2.5),
                    .text("héllo 'quoted' $1 ✓"), .null)
                return try connection.query("SELECT i, r, s, n FROM t WHERE s = $1", .text("héllo 'quoted' $1 ✓"))
            }
            let row = try #require(rows.first)
            #expect(try row.integer("i") == Int64.max)
            #expect(try row.optionalReal("r") == -2.5)
            #expect(try row.text("s") == "héllo 'quoted' $1 ✓")
            #expect(try row.optionalText("n") == nil)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func throwingBodyRollsBack(backend: StorageBackend) async throws {
        struct Refused: Error {}
        try await withDatabase(backend) { database in
            try await database.transaction { try $0.executeScript("CREATE TABLE t (id TEXT PRIMARY KEY)") }
            await #expect(throws: Refused.self) {
                try await database.transaction { connection in
                    try connection.execute("INSERT INTO t (id) VALUES ($1)", .text("a"))
                    throw Refused()
                }
            }
            let count = try await database.read { try $0.query("SELECT count(*) AS c FROM t")[0].integer("c") }
            #expect(count == 0)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func uniqueViolationIsTyped(backend: StorageBackend) async throws {
        try await withDatabase(backend) { database in
            try await database.transaction { connection in
                try connection.executeScript("CREATE TABLE t (id TEXT PRIMARY KEY, email TEXT)")
                try connection.executeScript("CREATE UNIQUE INDEX t_email ON t (email)")
                try connection.execute("INSERT INTO t (id, email) VALUES ('1', 'a@example.com')")
            }
            let error = await #expect(throws: SQLError.self) {
                try await database.transaction { connection in
                    try connection.execute(
                        "INSERT INTO t (id, email) VALUES ($1, $2)", .text("2"), .text("a@example.com"))
                }
            }
            #expect(error?.kind == .uniqueViolation)
            #expect(error?.constraint?.contains("email") == true)
        }
    }

    /// Read-modify-write from many tasks through a pool smaller than the task count: every
    /// increment lands, because each transaction holds its connection from `begin` to `commit`.
    @Test(arguments: StorageBackend.allCases)
    func concurrentTransactionsLoseNoUpdate(backend: StorageBackend) async throws {
        try await withDatabase(backend, poolSize: 4) { database in
            try await database.transaction { connection in
                try connection.executeScript("CREATE TABLE counter (id TEXT PRIMARY KEY, n BIGINT NOT NULL)")
                try connection.execute("INSERT INTO counter (id, n) VALUES ('c', 0)")
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<40 {
                    group.addTask {
                        try await database.transaction { connection in
                            // Compare-and-set, as the ticket store does, retried on a lost race.
                            while true {
                                let n = try connection.query("SELECT n FROM counter WHERE id = 'c'")[0].integer("n")
                                let changed = try connection.execute(
                                    "UPDATE counter SET n = $1 WHERE id = 'c' AND n = $2", .integer(n + 1), .integer(n))
                                if changed == 1 { return }
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let n = try await database.read { try $0.query("SELECT n FROM counter")[0].integer("n") }
            #expect(n == 40)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func rowValueKeysetComparisonWorks(backend: StorageBackend) async throws {
        try await withDatabase(backend) { database in
            let ids = try await database.transaction { connection in
                try connection.executeScript("CREATE TABLE t (id TEXT PRIMARY KEY, at BIGINT NOT NULL)")
                for (id, at) in [("a", 1), ("b", 2), ("c", 2), ("d", 3)] {
                    try connection.execute("INSERT INTO t (id, at) VALUES ($1, $2)", .text(id), .integer(Int64(at)))
                }
                return try connection.query(
                    "SELECT id FROM t WHERE (at, id) > ($1, $2) ORDER BY at, id LIMIT $3", .integer(2), .text("b"),
                    .integer(10)
                ).map { try $0.text("id") }
            }
            #expect(ids == ["c", "d"])
        }
    }

    @Test func sqliteFileThatCannotBeOpenedIsUnavailable() async throws {
        let database = SQLDatabase(connector: SQLiteConnector(path: "/nonexistent-dir/db.sqlite"))
        let error = await #expect(throws: SQLError.self) { try await database.read { try $0.query("SELECT 1") } }
        #expect(error?.kind == .unavailable)
        #expect(await database.check().isReady == false)
        try await database.shutdown()
    }
}
