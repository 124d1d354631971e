import Foundation
import SwitchboardTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `LOG_FORMAT=json`: every line on standard error is one JSON object with `ts`, `level` and `msg`.
@Suite struct LoggingTests {
    static let levels: Set<String> = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    @Test(arguments: ["info", "trace"])
    func everyLogLineIsAJSONObject(level: String) async throws {
        try await withBlockingIO {
            let server = try SwitchboardProcess(
                arguments: ["serve"],
                environment: ["PORT": "0", "LOG_FORMAT": "json", "LOG_LEVEL": level, "DATA_DIR": "data"]
            )
            defer { server.stop() }
            let port = try server.waitForListeningPort()
            let startupLines = server.standardErrorLines
            #expect(!startupLines.isEmpty)

            // Some traffic, so request and connection logging (at trace level) shows up too.
            #expect(try RawHTTPClient.request(port: port, "GET", "/health").status == 200)
            let client = try RawWebSocketClient.connect(port: port)
            try client.sendText("log me")
            #expect(try client.readMessage().text == "log me")
            server.send(SIGTERM)
            try client.expectClose(code: 1001)
            try client.sendClose(code: 1001)
            #expect(server.waitForExit(timeout: .seconds(12)) == .exited(0), "stderr:\n\(server.standardError)")

            let allLines = server.standardErrorLines
            #expect(server.standardError.isEmpty || server.standardError.hasSuffix("\n"), "unterminated last line")
            for (index, line) in allLines.enumerated() {
                let phase = index < startupLines.count ? "start-up" : "after start-up"
                guard let object = SwitchboardProcess.jsonObject(line) else {
                    Issue.record("\(phase) line \(index + 1) is not a JSON object: \(line)")
                    continue
                }
                let timestamp = object["ts"] as? String
                #expect(
                    timestamp?.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/) != nil,
                    "bad ts in \(line)"
                )
                #expect((object["level"] as? String).map(Self.levels.contains) == true, "bad level in \(line)")
                #expect(object["msg"] is String, "no msg in \(line)")
            }
            let messages = allLines.compactMap { SwitchboardProcess.jsonObject($0)?["msg"] as? String }
            #expect(messages.contains("Switchboard listening"))
            #expect(messages.contains("Switchboard stopped"))
            if level == "info" {
                let levels = allLines.compactMap { SwitchboardProcess.jsonObject($0)?["level"] as? String }
                #expect(
                    !levels.contains("debug") && !levels.contains("trace"), "LOG_LEVEL=info let lower levels through")
            }
        }
    }
}
