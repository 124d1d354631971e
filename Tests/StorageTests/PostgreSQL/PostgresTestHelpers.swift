import Storage
import SwitchboardTestSupport

/// A connection to a new empty database on the shared test cluster.
func makePostgresConnection(queryTimeout: Duration = .seconds(5)) async throws -> any SQLConnection {
    let url = try await PostgresTestServer.shared.makeDatabase()
    return try PostgresConnector(url: url, queryTimeout: queryTimeout).connect()
}

/// Runs `body` with a pool over `connector`, shut down afterwards whether `body` throws or not.
func withPostgresDatabase(
    _ connector: PostgresConnector,
    configure: (inout SQLDatabase.Configuration) -> Void = { _ in },
    _ body: (SQLDatabase) async throws -> Void
) async throws {
    var configuration = SQLDatabase.Configuration()
    configuration.poolSize = 2
    configure(&configuration)
    let database = SQLDatabase(connector: connector, configuration: configuration)
    do {
        try await body(database)
    } catch {
        try? await database.shutdown()
        throw error
    }
    try await database.shutdown()
}

/// The ``SQLError`` `body` throws, or nil when it succeeds (or throws something else), and how long it took.
func sqlFailure(_ body: () async throws -> Void) async -> (error: SQLError?, elapsed: Duration) {
    let clock = ContinuousClock()
    let start = clock.now
    do {
        try await body()
        return (nil, clock.now - start)
    } catch {
        return (error as? SQLError, clock.now - start)
    }
}

extension SQLDatabase {
    /// `SELECT 1` through the pool.
    func ping() async throws {
        _ = try await self.read { try $0.query("SELECT 1") }
    }
}
