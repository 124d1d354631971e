import Storage
import Testing

/// Values going in as parameters and coming back as columns, against the shared test cluster.
@Suite struct PostgresValueTests {
    @Test func everyValueKindRoundTrips() async throws {
        let connection = try await makePostgresConnection()
        defer { connection.close() }
        try connection.executeScript(
            "CREATE TABLE kinds (id bigint PRIMARY KEY, i bigint, r double precision, t text, b bytea)")
        let rows: [[SQLValue]] = [
            [1, .integer(.max), .real(-1234.5678e-3), .text("héllo ☎️ 日本語 \"'$1"), .blob([0, 1, 0x5C, 0x78, 255])],
            [2, .integer(.min), .real(1e300), .text(""), .blob([])],
            [3, .null, .null, .null, .null],
        ]
        for row in rows {
            try connection.execute("INSERT INTO kinds (id, i, r, t, b) VALUES ($1, $2, $3, $4, $5)", row)
        }
        let read = try connection.query("SELECT id, i, r, t, b FROM kinds ORDER BY id")
        #expect(read.map(\.values) == rows)
        #expect(read.first?.columns == ["id", "i", "r", "t", "b"])
    }

    @Test func columnTypesDecideTheValueKind() async throws {
        let connection = try await makePostgresConnection()
        defer { connection.close() }
        let row = try #require(
            try connection.query(
                """
                SELECT 7::int2 AS small, 8::int4 AS medium, true AS yes, false AS no, 2.5::numeric AS decimal,
                    0.5::float4 AS single, '\\xdeadbeef'::bytea AS bytes, DATE '2024-02-29' AS day,
                    NULL::int4 AS nothing
                """
            ).first)
        #expect(row["small"] == .integer(7))
        #expect(row["medium"] == .integer(8))
        #expect(row["yes"] == .integer(1))
        #expect(row["no"] == .integer(0))
        #expect(row["decimal"] == .real(2.5))
        #expect(row["single"] == .real(0.5))
        #expect(row["bytes"] == .blob([0xDE, 0xAD, 0xBE, 0xEF]))
        #expect(row["day"] == .text("2024-02-29"))
        #expect(row["nothing"] == .null)
    }

    @Test func aLargeParameterIsSentInParts() async throws {
        let connection = try await makePostgresConnection()
        defer { connection.close() }
        let text = String(repeating: "ü☎", count: 300_000)  // 1.5 MB: more than a socket buffer takes at once
        let row = try #require(try connection.query("SELECT length($1::text) AS n, $1::text AS t", .text(text)).first)
        #expect(row["n"] == .integer(600_000))
        #expect(row["t"] == .text(text))
    }

    @Test func aStatementIsPreparedOncePerConnection() async throws {
        let connection = try await makePostgresConnection()
        defer { connection.close() }
        let sql = "SELECT $1::bigint * 2 AS doubled"
        for value in Int64(1)...3 {
            #expect(try connection.query(sql, .integer(value)).first?["doubled"] == .integer(value * 2))
        }
        let prepared = try connection.query(
            "SELECT count(*) AS n FROM pg_prepared_statements WHERE statement = $1", .text(sql))
        #expect(prepared.first?["n"] == .integer(1))
    }

    @Test func executeCountsChangedRowsAndScriptsRunSeveralStatements() async throws {
        let connection = try await makePostgresConnection()
        defer { connection.close() }
        try connection.executeScript(
            "CREATE TABLE t (x int); INSERT INTO t VALUES (1); INSERT INTO t VALUES (2); INSERT INTO t VALUES (3)")
        #expect(try connection.execute("UPDATE t SET x = x + 10 WHERE x >= $1", 2) == 2)
        #expect(try connection.execute("DELETE FROM t") == 3)
        #expect(try connection.execute("CREATE TABLE u (y int)") == 0)
    }
}
