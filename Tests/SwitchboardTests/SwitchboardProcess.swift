import Core
import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The real `switchboard` binary running as a child process, its standard output and error
/// captured. Every wait is bounded, a watchdog SIGKILLs the child after `watchdog`, and
/// ``stop()`` (also run on deinit) kills it if it still runs, so no test leaves one behind.
///
/// Methods block the calling thread: from async tests, call them inside `withBlockingIO`.
final class SwitchboardProcess: @unchecked Sendable {
    /// How the child ended.
    enum Termination: Equatable, Sendable, CustomStringConvertible {
        case exited(Int32)
        case signalled(Int32)

        var description: String {
            switch self {
            case .exited(let status): "exited with status \(status)"
            case .signalled(let signal): "killed by signal \(signal)"
            }
        }
    }

    let process = Process()
    /// The child's working directory, a fresh temporary one (so a default `./data` lands there).
    let workingDirectory: URL
    private let stdout = OutputCollector()
    private let stderr = OutputCollector()
    private let exited = DispatchSemaphore(value: 0)
    private let termination = TerminationBox()
    private let readers = DispatchGroup()

    /// Starts `switchboard arguments...` with the inherited environment minus every Switchboard
    /// variable, plus `environment`.
    init(arguments: [String], environment: [String: String] = [:], watchdog: Duration = .seconds(20)) throws {
        workingDirectory = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("switchboard-process-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: workingDirectory, withIntermediateDirectories: true)

        var childEnvironment = ProcessInfo.processInfo.environment
        for name in SwitchboardConfiguration.variables { childEnvironment[name] = nil }
        childEnvironment.merge(environment) { _, new in new }

        process.executableURL = try Self.binaryURL()
        process.arguments = arguments
        process.environment = childEnvironment
        process.currentDirectoryURL = workingDirectory
        let outPipe = Pipe()
        let errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = FileHandle.nullDevice
        let termination = self.termination
        let exited = self.exited
        process.terminationHandler = { process in
            let result: Termination =
                process.terminationReason == .exit
                ? .exited(process.terminationStatus) : .signalled(process.terminationStatus)
            termination.value.withLock { $0 = result }
            exited.signal()
        }
        try process.run()
        Self.startReading(outPipe.fileHandleForReading, into: stdout, group: readers)
        Self.startReading(errPipe.fileHandleForReading, into: stderr, group: readers)

        let pid = process.processIdentifier
        let (seconds, attoseconds) = watchdog.components
        DispatchQueue.global().asyncAfter(deadline: .now() + Double(seconds) + Double(attoseconds) / 1e18) {
            [weak self] in
            guard let self, self.termination.value.withLock({ $0 == nil }) else { return }
            kill(pid, SIGKILL)
        }
    }

    deinit { stop() }

    var pid: pid_t { process.processIdentifier }

    /// How the child ended, or nil while it runs.
    var result: Termination? { termination.value.withLock { $0 } }

    /// Everything the child wrote to standard output so far.
    var standardOutput: String { stdout.text }

    /// Everything the child wrote to standard error so far.
    var standardError: String { stderr.text }

    /// The complete lines written to standard error so far.
    var standardErrorLines: [String] { stderr.lines }

    /// Sends `signal` to the child if it still runs.
    func send(_ signal: Int32) {
        guard result == nil else { return }
        kill(pid, signal)
    }

    /// Waits until the child exits; nil if it still runs after `timeout`. Once it returned non-nil,
    /// all output has been read.
    @discardableResult
    func waitForExit(timeout: Duration) -> Termination? {
        if result == nil {
            let (seconds, attoseconds) = timeout.components
            guard exited.wait(timeout: .now() + Double(seconds) + Double(attoseconds) / 1e18) == .success else {
                return nil
            }
            exited.signal()  // later waits return at once
        }
        _ = readers.wait(timeout: .now() + 2)
        return result
    }

    /// Waits for a standard-error line matching `predicate`; nil after `timeout` or once the child exited
    /// without writing one.
    func waitForStandardErrorLine(timeout: Duration, where predicate: (String) -> Bool) -> String? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let line = standardErrorLines.first(where: predicate) { return line }
            if result != nil {
                _ = readers.wait(timeout: .now() + 1)
                return standardErrorLines.first(where: predicate)
            }
            guard ContinuousClock.now < deadline else { return nil }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }

    /// Waits for the JSON log line `"msg":"Switchboard listening"` and returns its `http.port`.
    func waitForListeningPort(timeout: Duration = .seconds(10)) throws -> Int {
        let line = waitForStandardErrorLine(timeout: timeout) {
            Self.jsonObject($0)?["msg"] as? String == "Switchboard listening"
        }
        guard let line, let object = Self.jsonObject(line) else {
            throw ProcessTestError(
                "no \"Switchboard listening\" log line (\(result?.description ?? "still running")); stderr:\n\(standardError)"
            )
        }
        let port: Int? =
            switch object["http.port"] {
            case let text as String: Int(text)
            case let number as Int: number
            default: nil
            }
        guard let port, port > 0 else { throw ProcessTestError("no usable http.port in \(line)") }
        return port
    }

    /// Kills the child if it still runs, waits for it, and removes its working directory.
    func stop() {
        if result == nil {
            kill(pid, SIGKILL)
            _ = exited.wait(timeout: .now() + 5)
            exited.signal()
        }
        try? FileManager.default.removeItem(at: workingDirectory)
    }

    /// Runs `switchboard arguments...` to completion (bounded by `timeout`) and returns how it ended.
    static func run(
        _ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(15)
    ) throws -> (termination: Termination, standardOutput: String, standardError: String) {
        let child = try SwitchboardProcess(arguments: arguments, environment: environment)
        defer { child.stop() }
        guard let termination = child.waitForExit(timeout: timeout) else {
            throw ProcessTestError(
                "switchboard \(arguments) did not exit within \(timeout); stderr:\n\(child.standardError)")
        }
        return (termination, child.standardOutput, child.standardError)
    }

    /// A line parsed as a JSON object, or nil.
    static func jsonObject(_ line: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
    }

    /// The built `switchboard` executable: next to the test bundle (SwiftPM builds both into the same
    /// directory), else `.build/debug/switchboard` found by searching upward from this file.
    static func binaryURL() throws -> URL {
        var candidates: [URL] = []
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(
                URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("switchboard"))
        }
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("switchboard"))
        }
        candidates.append(Bundle.main.bundleURL.appendingPathComponent("switchboard"))
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            candidates.append(directory.appendingPathComponent(".build/debug/switchboard"))
            directory = directory.deletingLastPathComponent()
        }
        var isDirectory: ObjCBool = false
        for candidate in candidates
        where FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory)
            && !isDirectory.boolValue
            && FileManager.default.isExecutableFile(atPath: candidate.path)
        {
            return candidate
        }
        throw ProcessTestError("no switchboard executable; looked at \(candidates.map(\.path))")
    }

    private static func startReading(_ handle: FileHandle, into collector: OutputCollector, group: DispatchGroup) {
        group.enter()
        let thread = Thread {
            defer { group.leave() }
            while true {
                let data = handle.availableData
                if data.isEmpty { return }
                collector.append(data)
            }
        }
        thread.start()
    }
}

/// How the child ended, set by the termination handler.
private final class TerminationBox: Sendable {
    let value = Mutex<SwitchboardProcess.Termination?>(nil)
}

/// Bytes from one pipe, appended by a reader thread and read by the test.
private final class OutputCollector: Sendable {
    private let bytes = Mutex<[UInt8]>([])

    func append(_ data: Data) { bytes.withLock { $0 += data } }

    var text: String { String(decoding: bytes.withLock { $0 }, as: UTF8.self) }

    /// Complete (newline-terminated) lines.
    var lines: [String] {
        let text = self.text
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.removeLast()  // the unterminated rest, empty when the text ends with a newline
        return lines
    }
}

struct ProcessTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
