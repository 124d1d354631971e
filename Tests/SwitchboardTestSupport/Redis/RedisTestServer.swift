import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A redis-server of a test's own, on a free port on 127.0.0.1, that the test can kill, restart,
/// freeze and thaw. Its data is in an append-only file synced on every write, so a `kill -9` loses
/// nothing and ``restart()`` comes back with the same keys.
///
/// It is removed by ``remove()``, or at the latest by its watchdog once the test process is gone,
/// however the test process ends.
public struct RedisTestServer: Sendable {
    private let server: RedisServerProcess

    /// Starts a new server (`requirepass` when `password` is given) and waits until it answers `PING`.
    public static func launch(password: String? = nil) async throws -> RedisTestServer {
        RedisTestServer(server: try await offloaded { try RedisServerProcess.create(password: password) })
    }

    public var port: Int { self.server.port }

    /// The process behind it, for the harness's own tests.
    var process: RedisServerProcess { self.server }

    /// `redis://[:password@]127.0.0.1:PORT/0`.
    public var url: String {
        let credentials = self.server.password.map { ":\($0)@" } ?? ""
        return "redis://\(credentials)127.0.0.1:\(self.server.port)/0"
    }

    /// Kills the server with SIGKILL, as a crash would, and waits until it is gone: connections
    /// drop and new ones are refused.
    public func kill() async throws {
        let server = self.server
        try await offloaded { try server.kill() }
    }

    /// Starts the killed server again, on the same port with the same data, and waits until it answers.
    public func restart() async throws {
        let server = self.server
        try await offloaded { try server.start() }
    }

    /// Stops the server with SIGSTOP: it keeps its port and connections, and the kernel still
    /// accepts new ones, but nothing answers. A hung server, not a dead one.
    public func freeze() throws {
        try self.server.signal(SIGSTOP)
    }

    /// Resumes a frozen server (SIGCONT).
    public func thaw() throws {
        try self.server.signal(SIGCONT)
    }

    /// Calls per command since the server started or ``resetStats()``, from `INFO commandstats`,
    /// e.g. `["eval": 12, "config|resetstat": 1]`. The harness's own `INFO` and `AUTH` count too.
    public func commandStats() async throws -> [String: Int] {
        let server = self.server
        let text = try await offloaded { () throws -> String in
            let admin = try server.admin()
            defer { admin.close() }
            let reply = try admin.call(["INFO", "commandstats"])
            guard case .bulk(let text?) = reply else { throw ProcessToolsError("INFO commandstats answered \(reply)") }
            return text
        }
        return Self.parseCommandStats(text)
    }

    /// Zeroes the command statistics (`CONFIG RESETSTAT`).
    public func resetStats() async throws {
        let server = self.server
        try await offloaded {
            let admin = try server.admin()
            defer { admin.close() }
            let reply = try admin.call(["CONFIG", "RESETSTAT"])
            guard reply == .status("OK") else { throw ProcessToolsError("CONFIG RESETSTAT answered \(reply)") }
        }
    }

    /// Stops the server, frozen or not, and deletes its directory now rather than at process exit.
    public func remove() async {
        let server = self.server
        try? await offloaded { server.remove() }
    }

    /// The end of the server's log, for failure messages.
    public func logTail() -> String {
        self.server.logTail()
    }

    /// `cmdstat_get:calls=3,usec=...` lines to `["get": 3]`.
    static func parseCommandStats(_ text: String) -> [String: Int] {
        var stats: [String: Int] = [:]
        for line in text.split(whereSeparator: \.isNewline) where line.hasPrefix("cmdstat_") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[line.index(line.startIndex, offsetBy: 8)..<colon]
            for field in line[line.index(after: colon)...].split(separator: ",") where field.hasPrefix("calls=") {
                stats[String(name)] = Int(field.dropFirst(6))
            }
        }
        return stats
    }
}
