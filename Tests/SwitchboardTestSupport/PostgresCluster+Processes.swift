import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension PostgresCluster {
    /// Runs one of the server's programs to completion, as the `postgres` user when the tests run as
    /// root, and throws with its output when it fails or outlasts `timeout`.
    func run(_ program: String, _ arguments: [String], timeout: Duration) throws {
        let executable = self.binaries.appendingPathComponent(program).path
        let output = self.directory.appendingPathComponent("\(program).out")
        guard FileManager.default.createFile(atPath: output.path, contents: nil) else {
            throw PostgresTestError("cannot create \(output.path)")
        }
        // A file, not a pipe: nothing reads a pipe while we wait, and a chatty program would fill it.
        let handle = try FileHandle(forWritingTo: output)
        defer { try? handle.close() }
        let process = Process()
        let command = self.command(program, arguments)
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        // The `postgres` user may not be allowed into the directory the tests were started from.
        process.currentDirectoryURL = self.directory
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = handle
        process.standardError = handle
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        do {
            try process.run()
        } catch {
            throw PostgresTestError("cannot run \(executable): \(error)")
        }
        let (seconds, attoseconds) = timeout.components
        let text = { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }
        guard exited.wait(timeout: .now() + Double(seconds) + Double(attoseconds) / 1e18) == .success else {
            process.terminate()
            throw PostgresTestError("\(program) \(arguments.joined(separator: " ")) ran over \(timeout):\n\(text())")
        }
        guard process.terminationStatus == 0 else {
            throw PostgresTestError(
                "\(program) \(arguments.joined(separator: " ")) failed (status \(process.terminationStatus)):\n"
                    + text())
        }
    }

    /// `program` with `arguments`, as the `postgres` user when the tests run as root.
    ///
    /// `setpriv` rather than `runuser`: runuser stays as the program's parent and stops itself when
    /// the program is stopped, so a frozen server would leave it stopped after the thaw.
    func command(_ program: String, _ arguments: [String]) -> [String] {
        let executable = [self.binaries.appendingPathComponent(program).path] + arguments
        guard self.runsAsPostgres else { return executable }
        return ["/usr/bin/setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--reset-env", "--"]
            + executable
    }

    /// The newest installed server, as Debian lays them out (`/usr/lib/postgresql/15/bin`).
    static func findBinaries() throws -> URL {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .compactMap(Int.init)
            .filter { FileManager.default.isExecutableFile(atPath: "\(root)/\($0)/bin/postgres") }
        guard let newest = versions.max() else {
            throw PostgresTestError(
                "no PostgreSQL server under \(root)/*/bin: install the Debian package `postgresql`")
        }
        return URL(fileURLWithPath: "\(root)/\(newest)/bin")
    }

    /// Hands `directory` to the `postgres` user, who must own the data directory it will create.
    static func giveToPostgresUser(_ directory: URL) throws {
        guard let user = getpwnam("postgres") else {
            throw PostgresTestError("running as root, but there is no `postgres` user to run PostgreSQL as")
        }
        guard chown(directory.path, user.pointee.pw_uid, user.pointee.pw_gid) == 0 else {
            throw PostgresTestError("cannot chown \(directory.path) to postgres: errno \(errno)")
        }
    }
}
