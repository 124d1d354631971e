import SwitchboardTestSupport
import Testing

@testable import Storage

/// Backend errors sorted into ``SQLError/Kind``, and what they leave of the connection.
@Suite struct PostgresErrorTests {
    @Test func aUniqueViolationNamesItsConstraint() async throws {
        let connection = try await makePostgresConnection()
        defer { connection.close() }
        try connection.executeScript("CREATE TABLE users (email text CONSTRAINT users_email_key UNIQUE)")
        try connection.execute("INSERT INTO users (email) VALUES ($1)", "a@example.com")
        let error = try #require(throws: SQLError.self) {
            try connection.execute("INSERT INTO users (email) VALUES ($1)", "a@example.com")
        }
        #expect(error.kind == .uniqueViolation)
        #expect(error.constraint == "users_email_key")
        #expect(connection.isUsable)
    }

    @Test func foreignKeyCheckAndNotNullAreConstraintViolations() async throws {
        let connection = try await makePostgresConnection()
        defer { connection.close() }
        try connection.executeScript(
            """
            CREATE TABLE parents (id int PRIMARY KEY);
            CREATE TABLE children (parent int NOT NULL REFERENCES parents (id), age int CHECK (age >= 0))
            """)
        for binds: [SQLValue] in [[42, 1], [nil, 1]] {
            let error = try #require(throws: SQLError.self) {
                try connection.execute("INSERT INTO children (parent, age) VALUES ($1, $2)", binds)
            }
            #expect(error.kind == .constraintViolation)
        }
        try connection.execute("INSERT INTO parents (id) VALUES (1)")
        let error = try #require(throws: SQLError.self) {
            try connection.execute("INSERT INTO children (parent, age) VALUES (1, -1)")
        }
        #expect(error.kind == .constraintViolation)
    }

    @Test func aSyntaxErrorIsAQueryErrorAndTheConnectionStaysUsable() async throws {
        let connection = try await makePostgresConnection()
        defer { connection.close() }
        let error = try #require(throws: SQLError.self) { try connection.query("SELEC 1") }
        #expect(error.kind == .query)
        #expect(error.message.contains("42601"))
        #expect(connection.isUsable)
        #expect(try connection.query("SELECT 1 AS one").first?["one"] == .integer(1))
        // In a transaction the failure leaves it aborted, which a rollback ends.
        try connection.begin()
        #expect(throws: SQLError.self) { try connection.query("SELECT * FROM missing") }
        #expect(connection.isUsable)
        try connection.rollback()
        #expect(try connection.query("SELECT 2 AS two").first?["two"] == .integer(2))
    }

    @Test func aSlowStatementTimesOutAsUnavailableAndRetiresTheConnection() async throws {
        let connection = try await makePostgresConnection(queryTimeout: .milliseconds(300))
        defer { connection.close() }
        let (error, elapsed) = await sqlFailure { _ = try connection.query("SELECT pg_sleep(5)") }
        #expect(error?.kind == .unavailable)
        #expect(elapsed < .seconds(1))
        #expect(!connection.isUsable)
    }

    @Test func aTransactionRollsBackWhenItsBodyThrows() async throws {
        let url = try await PostgresTestServer.shared.makeDatabase()
        try await withPostgresDatabase(PostgresConnector(url: url)) { database in
            try await database.transaction { try $0.executeScript("CREATE TABLE notes (body text)") }
            struct Abandon: Error {}
            await #expect(throws: Abandon.self) {
                try await database.transaction { connection in
                    try connection.execute("INSERT INTO notes (body) VALUES ($1)", "lost")
                    throw Abandon()
                }
            }
            try await database.transaction { try $0.execute("INSERT INTO notes (body) VALUES ($1)", "kept") }
            let bodies = try await database.read { try $0.query("SELECT body FROM notes").map { $0["body"] } }
            #expect(bodies == [.text("kept")])
        }
    }

    @Test(arguments: [
        ("23505", SQLError.Kind.uniqueViolation), ("23503", .constraintViolation), ("23514", .constraintViolation),
        ("23502", .constraintViolation), ("40001", .conflict), ("40P01", .conflict), ("08006", .unavailable),
        ("57P01", .unavailable), ("57P03", .unavailable), ("53300", .unavailable), ("42P01", .query),
        ("22P02", .query),
    ])
    func sqlStatesMapToKinds(state: String, kind: SQLError.Kind) {
        #expect(SQLError.kind(sqlState: state) == kind)
    }

    @Test func theDescriptionNamesTheDatabaseButNotThePassword() {
        let connector = PostgresConnector(url: "postgresql://crm:s3cret@db.example:6543/switchboard?sslmode=require")
        #expect(connector.description == "postgresql://db.example:6543/switchboard")
        #expect(!connector.description.contains("s3cret"))
        #expect(connector.dialect == .postgresql)
    }
}
