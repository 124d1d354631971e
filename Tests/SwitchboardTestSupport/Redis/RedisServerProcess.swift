import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One redis-server in a temporary directory of its own (its append-only file, pid file and log),
/// on a loopback port, durable across `kill -9` (`appendfsync always`, no RDB snapshots).
///
/// Its methods block for up to a few seconds; call them off the cooperative pool.
struct RedisServerProcess: Sendable {
    static let executable = "/usr/bin/redis-server"

    let directory: URL
    let port: Int
    let password: String?
    /// The process whose end takes the server down (the test process, unless a test of the
    /// watchdog itself stands in another).
    let owner: pid_t

    var pidFile: URL { self.directory.appendingPathComponent("redis.pid") }
    var logFile: URL { self.directory.appendingPathComponent("redis.log") }
    /// Written with the exit status when the server last started ends.
    var exitMarker: URL { self.directory.appendingPathComponent("exited") }

    /// Creates the directory and starts the server. A first watchdog is launched before anything
    /// else, so the directory goes away with the test process even when a later step fails.
    static func create(password: String?, owner: pid_t = getpid()) throws -> RedisServerProcess {
        guard FileManager.default.isExecutableFile(atPath: Self.executable) else {
            throw ProcessToolsError("no \(Self.executable): install the Debian package `redis-server`")
        }
        let directory = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("switchboard-redis-\(UUID().uuidString.prefix(8))")
            .resolvingSymlinksInPath()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try ServerWatchdog.launch(testProcess: owner, directory: directory, server: Self.watchdogServer(directory))
        // Another process may take the free port before the server binds it; then try another.
        var attempt = 1
        while true {
            let server = RedisServerProcess(
                directory: directory, port: try ProcessTools.freeLoopbackPort(), password: password, owner: owner)
            do {
                try server.start()
                return server
            } catch let error as ProcessToolsError where error.description.contains("in use") && attempt < 3 {
                attempt += 1
            }
        }
    }

    /// Redis writes its pid file and runs in `--dir`; SIGKILL loses nothing with `appendfsync always`.
    private static func watchdogServer(_ directory: URL) -> ServerWatchdog.Server {
        ServerWatchdog.Server(
            pidFile: directory.appendingPathComponent("redis.pid"), workingDirectory: directory, stopSignal: "KILL")
    }

    /// Starts the server (again) as the child of a new watchdog and waits until it answers `PING`.
    func start(timeout: Duration = .seconds(10)) throws {
        try? FileManager.default.removeItem(at: self.exitMarker)
        var arguments = [
            Self.executable, "--port", String(self.port), "--bind", "127.0.0.1", "--dir", self.directory.path,
            "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--pidfile", self.pidFile.path,
            "--daemonize", "no", "--logfile", "",
        ]
        if let password = self.password { arguments += ["--requirepass", password] }
        try ServerWatchdog.launch(
            testProcess: self.owner, directory: self.directory, server: Self.watchdogServer(self.directory),
            command: arguments, log: self.logFile, exitMarker: self.exitMarker)
        try self.waitUntilReady(timeout: timeout)
    }

    /// Kills the server with SIGKILL and waits until it is gone.
    func kill(timeout: Duration = .seconds(10)) throws {
        guard let pid = self.runningPID() else { throw ProcessToolsError("redis-server is not running") }
        _ = sendSignal(pid, SIGKILL)
        let deadline = ContinuousClock.now + timeout
        // The watchdog's subshell writes the marker once it has reaped the server.
        while !FileManager.default.fileExists(atPath: self.exitMarker.path) {
            guard ContinuousClock.now < deadline else {
                throw ProcessToolsError("redis-server (pid \(pid)) was still there \(timeout) after SIGKILL")
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }

    func signal(_ signal: Int32) throws {
        guard let pid = self.runningPID() else { throw ProcessToolsError("redis-server is not running") }
        guard sendSignal(pid, signal) == 0 else { throw ProcessToolsError("kill(\(pid), \(signal)): errno \(errno)") }
    }

    /// Stops the server, even a frozen one, and deletes the directory. The watchdog's subshell
    /// writes the exit marker into the directory once the server is gone, so that comes first.
    func remove() {
        if self.runningPID() != nil { try? self.kill() }
        try? FileManager.default.removeItem(at: self.directory)
    }

    /// The server's pid, if the pid file names a live process that runs in this directory (a stale
    /// pid file may name an unrelated process by now).
    func runningPID() -> pid_t? {
        guard let text = try? String(contentsOf: self.pidFile, encoding: .utf8),
            let pid = text.split(separator: "\n").first.flatMap({ pid_t($0) }),
            !FileManager.default.fileExists(atPath: self.exitMarker.path),
            let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd"),
            cwd == self.directory.path
        else { return nil }
        return pid
    }

    func admin(timeout: Duration = .seconds(2)) throws -> RedisAdminConnection {
        try RedisAdminConnection(port: self.port, password: self.password, timeout: timeout)
    }

    /// The end of the server log, for failure messages.
    func logTail(lines: Int = 20) -> String {
        let log = (try? String(contentsOf: self.logFile, encoding: .utf8)) ?? "(no server log)"
        return log.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    private func waitUntilReady(timeout: Duration) throws {
        let deadline = ContinuousClock.now + timeout
        var lastProblem = "no answer"
        while ContinuousClock.now < deadline {
            if let status = try? String(contentsOf: self.exitMarker, encoding: .utf8) {
                let log = self.logTail()
                let reason = log.contains("already in use") ? "port in use" : "exited"
                throw ProcessToolsError(
                    "redis-server \(reason) during start-up (status "
                        + "\(status.trimmingCharacters(in: .whitespacesAndNewlines))); log:\n\(log)")
            }
            do {
                let admin = try self.admin(timeout: .milliseconds(500))
                defer { admin.close() }
                // While it loads the append-only file, Redis answers -LOADING.
                let reply = try admin.call(["PING"], timeout: .milliseconds(500))
                if reply == .status("PONG") { return }
                lastProblem = "PING answered \(reply)"
            } catch {
                lastProblem = "\(error)"
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw ProcessToolsError(
            "redis-server on port \(self.port) did not answer PING within \(timeout) (\(lastProblem)); log:\n"
                + self.logTail())
    }
}

/// `kill(2)`, under a name the methods above do not shadow.
private func sendSignal(_ pid: pid_t, _ signal: Int32) -> Int32 {
    kill(pid, signal)
}
