#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A PostgreSQL cluster for one fault test alone: it can be crashed, frozen, resumed and started
/// again on the same port, which the shared ``PostgresTestServer`` must never be.
///
/// It is removed by ``remove()``, or at the latest by its watchdog once the test process is gone.
public struct PostgresTestCluster: Sendable {
    private let cluster: PostgresCluster

    /// Creates and starts a new cluster on a free port (one to three seconds, mostly `initdb`).
    public static func launch() async throws -> PostgresTestCluster {
        PostgresTestCluster(cluster: try await offloaded { try PostgresCluster.create() })
    }

    public var port: Int { self.cluster.port }

    /// The cluster's `postgres` database, as a URL for ``Storage/PostgresConnector``.
    public var url: String { self.cluster.url(database: "postgres") }

    /// Stops the server as a crash would (`pg_ctl stop -m immediate`): connections drop at once and
    /// new ones are refused.
    public func stop() async throws {
        let cluster = self.cluster
        try await offloaded { try cluster.stopImmediately() }
    }

    /// Starts the stopped server again, on the same port and data, and waits until it accepts connections.
    public func restart() async throws {
        let cluster = self.cluster
        try await offloaded { try cluster.start() }
    }

    /// Stops (`SIGSTOP`) the postmaster and every backend: connections stay open and new TCP
    /// connections are accepted by the kernel, but nothing answers; a hung server, not a dead one.
    public func freeze() throws {
        try self.cluster.signalAll(SIGSTOP)
    }

    /// Resumes a frozen server.
    public func thaw() throws {
        try self.cluster.signalAll(SIGCONT)
    }

    /// Stops the server and deletes its directory now rather than at process exit.
    public func remove() async {
        let cluster = self.cluster
        try? await offloaded { cluster.remove() }
    }
}
