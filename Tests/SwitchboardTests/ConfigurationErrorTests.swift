import Foundation
import SwitchboardTestSupport
import Testing

/// Bad configuration stops `switchboard serve` with exit code 64 and one line naming the variable.
@Suite struct ConfigurationErrorTests {
    struct BadConfiguration: Sendable, CustomTestStringConvertible {
        var arguments: [String] = ["serve"]
        var environment: [String: String] = [:]
        /// The variable the error line must name.
        var variable: String
        var testDescription: String {
            (environment.map { "\($0)=\($1)" }.sorted() + ["switchboard"] + arguments).joined(separator: " ")
        }
    }

    static let badConfigurations: [BadConfiguration] = [
        BadConfiguration(environment: ["PORT": "abc"], variable: "PORT"),
        BadConfiguration(environment: ["PORT": "70000"], variable: "PORT"),
        BadConfiguration(environment: ["LOG_LEVEL": "loud"], variable: "LOG_LEVEL"),
        BadConfiguration(environment: ["LOG_FORMAT": "xml"], variable: "LOG_FORMAT"),
        BadConfiguration(arguments: ["serve", "--port", "70000"], variable: "PORT"),
        BadConfiguration(arguments: ["--port", "70000"], variable: "PORT"),
        // A flag wins over its variable, also when the flag is the bad one.
        BadConfiguration(
            arguments: ["serve", "--log-format", "xml"], environment: ["LOG_FORMAT": "json"], variable: "LOG_FORMAT"),
        BadConfiguration(environment: ["DRAIN_TIMEOUT": "0"], variable: "DRAIN_TIMEOUT"),
        BadConfiguration(environment: ["ALLOWED_ORIGINS": "console.example.com"], variable: "ALLOWED_ORIGINS"),
        BadConfiguration(environment: ["WS_MAX_CONNECTIONS": "0"], variable: "WS_MAX_CONNECTIONS"),
        // A path below a regular file cannot be created, even as root.
        BadConfiguration(environment: ["DATA_DIR": "/dev/null/data"], variable: "DATA_DIR"),
    ]

    @Test(arguments: badConfigurations)
    func badConfigurationExits64WithOneLine(_ bad: BadConfiguration) async throws {
        try await withBlockingIO {
            let (termination, standardOutput, standardError) = try SwitchboardProcess.run(
                bad.arguments, environment: ["DATA_DIR": "data"].merging(bad.environment) { _, new in new })
            #expect(termination == .exited(64), "stderr:\n\(standardError)")
            let lines = standardError.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count == 2 && lines[1].isEmpty, "expected exactly one line on stderr, got:\n\(standardError)")
            #expect(
                lines.first?.contains(bad.variable) == true, "the line does not name \(bad.variable): \(standardError)")
            #expect(lines.first?.hasPrefix("switchboard: ") == true, "\(standardError)")
            #expect(standardOutput.isEmpty, "stdout:\n\(standardOutput)")
        }
    }

    @Test func versionPrintsTheVersion() async throws {
        try await withBlockingIO {
            let (termination, standardOutput, standardError) = try SwitchboardProcess.run(["--version"])
            #expect(termination == .exited(0), "stderr:\n\(standardError)")
            #expect(standardOutput == "0.1.0\n")
        }
    }

    @Test func helpExitsZero() async throws {
        try await withBlockingIO {
            let (termination, standardOutput, standardError) = try SwitchboardProcess.run(["--help"])
            #expect(termination == .exited(0), "stderr:\n\(standardError)")
            #expect(standardOutput.contains("serve"), "help:\n\(standardOutput)")
        }
    }

    @Test func serveHelpListsTheFlags() async throws {
        try await withBlockingIO {
            let (termination, standardOutput, standardError) = try SwitchboardProcess.run(["serve", "--help"])
            #expect(termination == .exited(0), "stderr:\n\(standardError)")
            for flag in ["--port", "--log-format", "--drain-timeout", "--allowed-origins", "--ws-close-timeout"] {
                #expect(standardOutput.contains(flag), "serve --help does not mention \(flag)")
            }
        }
    }
}
