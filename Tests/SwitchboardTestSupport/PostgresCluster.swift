import Foundation
import Storage

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A PostgreSQL cluster of its own, in a fresh temporary directory that holds everything: the data
/// directory, the Unix socket, the logs. Trust authentication for the superuser `switchboard`, no
/// durability (fsync off), and a TCP port on 127.0.0.1 only.
///
/// Its methods block, for up to a few seconds each; call them off the cooperative pool.
struct PostgresCluster: Sendable {
    let binaries: URL
    let directory: URL
    let port: Int
    /// PostgreSQL refuses to run as root; then its programs run as the `postgres` user.
    let runsAsPostgres: Bool

    var dataDirectory: URL { self.directory.appendingPathComponent("data") }
    var logFile: URL { self.directory.appendingPathComponent("server.log") }

    func url(database: String) -> String {
        "postgresql://switchboard@127.0.0.1:\(self.port)/\(database)"
    }

    /// Creates the cluster and starts it. A first watchdog is launched before anything else, so the
    /// directory goes away with the test process even when a later step fails.
    static func create() throws -> PostgresCluster {
        let binaries = try Self.findBinaries()
        let directory = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("switchboard-pg-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try ServerWatchdog.launch(testProcess: getpid(), directory: directory, server: Self.watchdogServer(directory))
        let runsAsPostgres = geteuid() == 0
        if runsAsPostgres { try Self.giveToPostgresUser(directory) }
        var cluster = PostgresCluster(binaries: binaries, directory: directory, port: 0, runsAsPostgres: runsAsPostgres)
        try cluster.run(
            "initdb",
            [
                "-D", cluster.dataDirectory.path, "-A", "trust", "-U", "switchboard", "-E", "UTF8", "--no-locale",
                "--no-sync",
            ],
            timeout: .seconds(60))
        // Binding port 0 and closing it again leaves a moment in which another process may take the
        // port; that rare case is retried with a new one.
        var attempt = 1
        while true {
            cluster = PostgresCluster(
                binaries: binaries, directory: directory, port: try ProcessTools.freeLoopbackPort(),
                runsAsPostgres: runsAsPostgres)
            try cluster.writeConfiguration()
            do {
                try cluster.start()
                return cluster
            } catch let error as PostgresTestError where error.description.contains("in use") && attempt < 3 {
                attempt += 1
            }
        }
    }

    /// Starts the server (again, after ``stopImmediately()``) as the child of a new watchdog, and
    /// waits until it accepts connections.
    func start(timeout: Duration = .seconds(30)) throws {
        let exitMarker = self.directory.appendingPathComponent("exited-\(UUID().uuidString.prefix(8))")
        try ServerWatchdog.launch(
            testProcess: getpid(), directory: self.directory, server: Self.watchdogServer(self.directory),
            command: self.command("postgres", ["-D", self.dataDirectory.path]),
            log: self.logFile, exitMarker: exitMarker)
        try self.waitUntilAccepting(timeout: timeout, exitMarker: exitMarker)
    }

    /// `postmaster.pid` names the running postmaster, whose working directory is the data directory;
    /// SIGQUIT is its immediate shutdown.
    private static func watchdogServer(_ directory: URL) -> ServerWatchdog.Server {
        let data = directory.appendingPathComponent("data")
        return ServerWatchdog.Server(
            pidFile: data.appendingPathComponent("postmaster.pid"), workingDirectory: data, stopSignal: "QUIT")
    }

    /// Stops the server the way a crash would: no checkpoint, clients cut off at once.
    func stopImmediately() throws {
        try self.run(
            "pg_ctl", ["stop", "-D", self.dataDirectory.path, "-m", "immediate", "-w", "-s"],
            timeout: .seconds(30))
    }

    /// Stops the server, even a frozen one, and deletes the directory (the watchdog then finds nothing to do).
    func remove() {
        try? self.signalAll(SIGCONT)
        try? self.stopImmediately()
        try? FileManager.default.removeItem(at: self.directory)
    }

    /// Stops (`SIGSTOP`) or resumes (`SIGCONT`) the postmaster and every backend, so that the server
    /// still holds its port and connections but answers nothing.
    func signalAll(_ signal: Int32) throws {
        guard let postmaster = self.postmasterPID() else { throw PostgresTestError("the server is not running") }
        // Stopping the postmaster first keeps it from starting backends that would miss the signal.
        if signal != SIGCONT { kill(postmaster, signal) }
        for child in ProcessTools.children(of: postmaster) { kill(child, signal) }
        if signal == SIGCONT { kill(postmaster, signal) }
    }

    /// The postmaster's process id, from the first line of `postmaster.pid`.
    func postmasterPID() -> pid_t? {
        let file = self.dataDirectory.appendingPathComponent("postmaster.pid")
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return nil }
        return text.split(separator: "\n").first.flatMap { pid_t($0) }
    }

    /// The end of the server log, for failure messages.
    func logTail(lines: Int = 30) -> String {
        let log = (try? String(contentsOf: self.logFile, encoding: .utf8)) ?? "(no server log)"
        return log.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    /// Later settings win, so appending again after a port clash replaces the port.
    private func writeConfiguration() throws {
        let settings = """

            listen_addresses = '127.0.0.1'
            port = \(self.port)
            unix_socket_directories = '\(self.directory.path)'
            fsync = off
            synchronous_commit = off
            full_page_writes = off
            max_connections = 300

            """
        let file = self.dataDirectory.appendingPathComponent("postgresql.conf")
        let handle = try FileHandle(forWritingTo: file)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(settings.utf8))
    }

    private func waitUntilAccepting(timeout: Duration, exitMarker: URL) throws {
        let connector = PostgresConnector(url: self.url(database: "postgres"), connectTimeout: .seconds(1))
        let deadline = ContinuousClock.now + timeout
        while true {
            if let status = try? String(contentsOf: exitMarker, encoding: .utf8) {
                throw PostgresTestError(
                    "postgres exited during start-up (status \(status.trimmingCharacters(in: .whitespacesAndNewlines)))"
                        + "; server log:\n\(self.logTail())")
            }
            do {
                try connector.connect().close()
                return
            } catch {
                guard ContinuousClock.now < deadline else {
                    throw PostgresTestError(
                        "PostgreSQL on port \(self.port) did not accept connections within \(timeout): "
                            + "\(error)\nserver log:\n\(self.logTail())")
                }
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
    }
}
