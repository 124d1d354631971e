import Dispatch
import Storage

/// The test process's own PostgreSQL cluster, created on first use and shared by every test; each
/// test asks it for a new empty database, so tests can run in parallel without seeing each other.
///
/// A watchdog shuts the cluster down and deletes it once the test process is gone, however it ends.
public actor PostgresTestServer {
    public static let shared = PostgresTestServer()

    private struct Running {
        let cluster: PostgresCluster
        /// Connected to the `postgres` database, where `CREATE DATABASE` runs.
        let admin: SQLDatabase
    }

    /// Started once; a cluster that failed to start fails every later call the same way instead of
    /// making each test wait for its own attempt.
    private var starting: Task<Running, any Error>?
    private var databaseCount = 0

    private init() {}

    /// The URL (`postgresql://switchboard@127.0.0.1:PORT/NAME`, no password) of a new empty database.
    public func makeDatabase() async throws -> String {
        let running = try await self.running()
        self.databaseCount += 1
        let name = "test_\(self.databaseCount)"
        try await running.admin.read { try $0.execute("CREATE DATABASE \(name)") }
        return running.cluster.url(database: name)
    }

    private func running() async throws -> Running {
        if let starting = self.starting { return try await starting.value }
        let starting = Task {
            let cluster = try await offloaded { try PostgresCluster.create() }
            let connector = PostgresConnector(url: cluster.url(database: "postgres"), queryTimeout: .seconds(30))
            var configuration = SQLDatabase.Configuration()
            configuration.poolSize = 2
            return Running(cluster: cluster, admin: SQLDatabase(connector: connector, configuration: configuration))
        }
        self.starting = starting
        return try await starting.value
    }
}

/// Runs blocking work (starting processes, waiting for them) on a thread of its own, so the
/// cooperative pool stays free for the tests.
func offloaded<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try body() })
        }
    }
}
