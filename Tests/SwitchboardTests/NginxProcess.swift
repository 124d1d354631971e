import Dispatch
import Foundation
import SwitchboardTestSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// nginx as a child process on 127.0.0.1 and a free port, running the repository's
/// `nginx/switchboard.conf` in front of one upstream port.
///
/// Everything lives in a fresh temporary prefix directory (main config, pid file, logs, temp paths),
/// so no system nginx, default site or service is involved. Every wait is bounded; ``stop()`` (also
/// run on deinit) quits nginx gracefully and kills it if that takes too long.
///
/// Methods block the calling thread: from async tests, call them inside `withBlockingIO`.
final class NginxProcess {
    /// Where Debian's `nginx` package puts the binary.
    static let executablePath = "/usr/sbin/nginx"

    /// The config under test, found from this file's place in the repository.
    static let templateURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // SwitchboardTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // the repository
        .appendingPathComponent("nginx/switchboard.conf")

    /// The loopback port nginx listens on.
    let port: Int
    /// The prefix directory, removed by ``stop()``.
    let prefix: URL
    private let process = Process()
    private let exited = DispatchSemaphore(value: 0)
    private var stopped = false

    /// Starts nginx in front of `127.0.0.1:upstreamPort` and waits until its port accepts connections.
    ///
    /// The free port is found by binding port 0 and closing it again, so another process can take it
    /// before nginx binds it; that rare case is retried with a new port.
    static func start(upstreamPort: Int, timeout: Duration = .seconds(5)) throws -> NginxProcess {
        var attempt = 1
        while true {
            do {
                return try NginxProcess(
                    upstreamPort: upstreamPort, port: try ProcessTools.freeLoopbackPort(), timeout: timeout)
            } catch let error as ProcessTestError
                where error.description.contains("Address already in use") && attempt < 3
            {
                attempt += 1
            }
        }
    }

    private init(upstreamPort: Int, port: Int, timeout: Duration) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.executablePath) else {
            throw ProcessTestError(
                "\(Self.executablePath) not found: install the Debian package `nginx` "
                    + "(listed in scripts/packages-test.txt, so scripts/test.sh installs it)")
        }
        self.port = port
        prefix = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("nginx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: prefix, withIntermediateDirectories: true)
        do {
            try writeConfiguration(upstreamPort: upstreamPort)
            try launch()
            try waitUntilAccepting(timeout: timeout)
        } catch {
            stop()
            throw error
        }
    }

    deinit { stop() }

    /// nginx's error log so far, for failure messages.
    var errorLog: String {
        let log = (try? String(contentsOf: prefix.appendingPathComponent("error.log"), encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOf: prefix.appendingPathComponent("stderr.log"), encoding: .utf8)) ?? ""
        return log + stderr
    }

    /// Quits nginx (SIGQUIT: finish requests, then exit), kills it and its workers with SIGKILL if it
    /// is still running after `timeout`, and removes the prefix directory. Safe to call more than once.
    func stop(timeout: Duration = .seconds(3)) {
        guard !stopped else { return }
        stopped = true
        defer { try? FileManager.default.removeItem(at: prefix) }
        guard process.processIdentifier > 0 else { return }  // never launched
        let pid = process.processIdentifier
        guard !hasExited(within: .zero) else { return }
        kill(pid, SIGQUIT)
        guard !hasExited(within: timeout) else { return }
        // A graceful quit waits for the workers; a killed master leaves them running, holding the port.
        let workers = ProcessTools.children(of: pid)
        kill(pid, SIGKILL)
        for worker in workers { kill(worker, SIGKILL) }
        _ = hasExited(within: .seconds(2))
    }

    // MARK: Start-up

    /// Writes the rendered `switchboard.conf` and a main config that keeps every path inside the
    /// prefix directory (nginx's compiled-in ones belong to the system nginx, and need root).
    private func writeConfiguration(upstreamPort: Int) throws {
        let template: String
        do {
            template = try String(contentsOf: Self.templateURL, encoding: .utf8)
        } catch {
            throw ProcessTestError("cannot read \(Self.templateURL.path): \(error)")
        }
        for placeholder in ["__LISTEN__", "__UPSTREAM__"] where !template.contains(placeholder) {
            throw ProcessTestError("\(Self.templateURL.path) has no \(placeholder) placeholder to render")
        }
        let rendered =
            template
            .replacingOccurrences(of: "__LISTEN__", with: "127.0.0.1:\(port)")
            .replacingOccurrences(of: "__UPSTREAM__", with: "127.0.0.1:\(upstreamPort)")
        try rendered.write(to: prefix.appendingPathComponent("switchboard.conf"), atomically: true, encoding: .utf8)

        let path = { (name: String) in "\"\(self.prefix.appendingPathComponent(name).path)\"" }
        let main = """
            daemon off;
            master_process on;
            worker_processes 1;
            pid \(path("nginx.pid"));
            error_log \(path("error.log")) info;
            # Bounds a graceful quit even while WebSockets are still open through nginx.
            worker_shutdown_timeout 1s;
            events {
                worker_connections 256;
            }
            http {
                access_log off;
                client_body_temp_path \(path("client_body"));
                proxy_temp_path \(path("proxy"));
                fastcgi_temp_path \(path("fastcgi"));
                uwsgi_temp_path \(path("uwsgi"));
                scgi_temp_path \(path("scgi"));
                include \(path("switchboard.conf"));
            }

            """
        try main.write(to: prefix.appendingPathComponent("nginx.conf"), atomically: true, encoding: .utf8)
    }

    private func launch() throws {
        let output = prefix.appendingPathComponent("stderr.log")
        guard FileManager.default.createFile(atPath: output.path, contents: nil) else {
            throw ProcessTestError("cannot create \(output.path)")
        }
        let handle = try FileHandle(forWritingTo: output)
        defer { try? handle.close() }
        process.executableURL = URL(fileURLWithPath: Self.executablePath)
        // -e: the compiled-in error log (/var/log/nginx) is opened before the config is read.
        process.arguments = [
            "-p", prefix.path + "/", "-c", prefix.appendingPathComponent("nginx.conf").path,
            "-e", prefix.appendingPathComponent("error.log").path,
        ]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = handle
        process.standardError = handle
        let exited = self.exited
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
    }

    /// Waits until nginx's port accepts a TCP connection; throws with nginx's logs if it exits first
    /// or does not get there within `timeout`.
    private func waitUntilAccepting(timeout: Duration) throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            if hasExited(within: .zero) {
                throw ProcessTestError(
                    "nginx exited during start-up (status \(process.terminationStatus)); its log:\n\(errorLog)")
            }
            if let probe = try? RawSocket(port: port, timeout: .milliseconds(200)) {
                probe.close()
                return
            }
            guard ContinuousClock.now < deadline else {
                throw ProcessTestError(
                    "nginx did not accept connections on port \(port) within \(timeout); log:\n\(errorLog)")
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    // MARK: Processes and ports

    private func hasExited(within timeout: Duration) -> Bool {
        let (seconds, attoseconds) = timeout.components
        guard exited.wait(timeout: .now() + Double(seconds) + Double(attoseconds) / 1e18) == .success else {
            return false
        }
        exited.signal()  // later checks return at once
        return true
    }
}
