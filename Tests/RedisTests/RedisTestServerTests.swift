import Foundation
import Testing

@testable import SwitchboardTestSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Whether `pid` is still a redis-server of `directory` (the pid may have been reused since).
private func isRunning(_ pid: pid_t, in directory: URL) -> Bool {
    let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd")
    return cwd == directory.path
}

/// The harness itself: a server that survives `kill -9` with its data, freezes and thaws, counts
/// commands, and goes away with the process that owns it.
@Suite(.timeLimit(.minutes(1)))
struct RedisTestServerTests {
    @Test func killRestartFreezeThawAndCommandStats() async throws {
        let server = try await RedisTestServer.launch(password: "harness-pw")
        defer { Task { await server.remove() } }
        #expect(server.url == "redis://:harness-pw@127.0.0.1:\(server.port)/0")
        let process = server.process
        try await withBlockingIO {
            let admin = try process.admin()
            defer { admin.close() }
            #expect(try admin.call(["SET", "k", "v"]) == .status("OK"))
        }
        try await server.resetStats()
        try await withBlockingIO {
            let admin = try process.admin()
            defer { admin.close() }
            #expect(try admin.call(["GET", "k"]) == .bulk("v"))
            #expect(try admin.call(["GET", "missing"]) == .bulk(nil))
        }
        let stats = try await server.commandStats()
        #expect(stats["get"] == 2)
        #expect(stats["set"] == nil)

        try server.freeze()
        _ = try await withBlockingIO {
            // The kernel still accepts the connection; nothing answers.
            #expect(throws: (any Error).self) { try process.admin(timeout: .milliseconds(300)) }
        }
        try server.thaw()
        try await withBlockingIO {
            let admin = try process.admin()
            defer { admin.close() }
            #expect(try admin.call(["PING"]) == .status("PONG"))
        }

        let pid = try #require(process.runningPID())
        try await server.kill()
        #expect(!isRunning(pid, in: process.directory))
        #expect(process.runningPID() == nil)
        _ = try await withBlockingIO {
            #expect(throws: (any Error).self) { try process.admin(timeout: .milliseconds(300)) }
        }
        try await server.restart()
        try await withBlockingIO {
            let admin = try process.admin()
            defer { admin.close() }
            #expect(try admin.call(["GET", "k"]) == .bulk("v"), "the append-only file kept the key through kill -9")
        }
        #expect(try #require(process.runningPID()) != pid)

        await server.remove()
        #expect(
            !FileManager.default.fileExists(atPath: process.directory.path),
            "left: \((try? FileManager.default.subpathsOfDirectory(atPath: process.directory.path)) ?? [])")
    }

    @Test func theServerDiesWithTheProcessThatOwnsIt() async throws {
        let owner = Process()
        owner.executableURL = URL(fileURLWithPath: "/bin/sleep")
        owner.arguments = ["30"]
        try owner.run()
        let ownerPID = owner.processIdentifier
        let process = try await offloaded { try RedisServerProcess.create(password: nil, owner: ownerPID) }
        let pid = try #require(process.runningPID())
        // Frozen, too: the watchdog must also undo a freeze a test left behind.
        try process.signal(SIGSTOP)
        kill(ownerPID, SIGKILL)
        let deadline = ContinuousClock.now + .seconds(10)
        while isRunning(pid, in: process.directory) || FileManager.default.fileExists(atPath: process.directory.path) {
            guard ContinuousClock.now < deadline else {
                process.remove()
                Issue.record("the redis-server outlived its owner by 10 s")
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
