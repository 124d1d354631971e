import ArgumentParser
import Foundation
import LoadGenerator

/// What `loadgen` and `heartbeats` share once their options are read: validate, raise the
/// descriptor limit, run with progress on stderr, write the JSON summary.
enum LoadCommand {
    static func run<Report>(
        _ name: String, quiet: Bool, json: String, validate: () throws -> Void,
        _ body: (@escaping @Sendable (String) -> Void) async throws -> Report, summary: (Report) -> String
    ) async throws {
        do {
            try validate()
        } catch {
            throw Self.fail(name, "\(error)", code: 64)
        }
        FileDescriptorLimit.raiseToHardLimit()
        let report: Report
        do {
            report = try await body { line in
                if !quiet { FileHandle.standardError.write(Data((line + "\n").utf8)) }
            }
        } catch {
            throw Self.fail(name, "\(error)", code: 1)
        }
        let text = summary(report) + "\n"
        if json == "-" {
            FileHandle.standardOutput.write(Data(text.utf8))
        } else if !FileManager.default.createFile(atPath: json, contents: Data(text.utf8)) {
            throw Self.fail(name, "cannot write \(json)", code: 1)
        }
    }

    /// One line on stderr, no usage dump.
    private static func fail(_ name: String, _ message: String, code: Int32) -> ExitCode {
        FileHandle.standardError.write(Data("switchboard \(name): \(message)\n".utf8))
        return ExitCode(code)
    }
}
