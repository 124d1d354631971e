import Foundation
import Logging
import Testing

@testable import Core

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs `body` with file descriptor 2 pointed at a pipe and returns the lines that contain `marker`.
///
/// The handler writes straight to fd 2, so this is the only way to see its real output. Other tests
/// run in parallel in this process; lines that are not ours go back to the real stderr afterwards,
/// so nothing they print is lost.
private func capturedLines(containing marker: String, _ body: () -> Void) -> [String] {
    var ends: [Int32] = [0, 0]
    guard pipe(&ends) == 0 else {
        Issue.record("pipe() failed")
        return []
    }
    let savedStandardError = dup(2)
    dup2(ends[1], 2)
    close(ends[1])
    body()
    dup2(savedStandardError, 2)
    close(savedStandardError)

    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(ends[0], $0.baseAddress, $0.count) }
        guard count > 0 else { break }
        bytes += chunk[0..<count]
    }
    close(ends[0])

    let text = String(decoding: bytes, as: UTF8.self)
    var ours: [String] = []
    var others = ""
    for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
        if line.contains(marker) { ours.append(String(line)) } else { others += line + "\n" }
    }
    if !others.isEmpty {
        var otherBytes = Array(others.utf8)
        _ = otherBytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
    }
    // Every line the handler writes ends in a newline; a trailing fragment would be a broken line.
    if !text.isEmpty && !text.hasSuffix("\n") {
        Issue.record("captured output does not end with a newline: \(text.debugDescription)")
    }
    return ours
}

private func jsonObject(_ line: String) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
    return try #require(object as? [String: Any])
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ`: RFC 3339, UTC, milliseconds.
private func isTimestamp(_ value: String) -> Bool {
    value.wholeMatch(of: #/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/#) != nil
}

@Suite("JSONLogHandler", .serialized)
struct JSONLogHandlerTests {
    /// A label no other output will contain, so the captured line is certainly ours.
    private func uniqueLabel() -> String { "json-log-test-\(UInt64.random(in: 0...UInt64.max))" }

    @Test func aLogLineIsOneJSONObjectWithTheFixedKeysAndMetadata() throws {
        let label = self.uniqueLabel()
        var logger = Logger(label: label) { JSONLogHandler(label: $0, logLevel: .trace) }
        logger[metadataKey: "conn"] = "c-1"
        let message = "say \"hi\"\nthen\ttab \\ back\u{01}\u{1F} é 😀"
        let lines = capturedLines(containing: label) {
            logger.warning(
                "\(message)",
                metadata: [
                    "call.sid": "CA123",
                    "count": .stringConvertible(42),
                    "tags": ["a", "b\"c"],
                    "nested": ["inner": ["deep": "x"]],
                ],
                source: "TestSource"
            )
        }
        let line = try #require(lines.first)
        #expect(lines.count == 1)
        let object = try jsonObject(line)
        let timestamp = try #require(object["ts"] as? String)
        #expect(isTimestamp(timestamp), "ts = \(timestamp)")
        #expect(object["level"] as? String == "warning")
        #expect(object["label"] as? String == label)
        #expect(object["msg"] as? String == message)
        #expect(object["source"] as? String == "TestSource")
        #expect(object["conn"] as? String == "c-1")
        #expect(object["call.sid"] as? String == "CA123")
        #expect(object["count"] as? String == "42")
        #expect(object["tags"] as? [String] == ["a", "b\"c"])
        let nested = try #require(object["nested"] as? [String: Any])
        let inner = try #require(nested["inner"] as? [String: Any])
        #expect(inner["deep"] as? String == "x")
        #expect(object.count == 10)
        // The fixed keys come first, in this order, so a human can read the line too.
        #expect(line.hasPrefix("{\"ts\":\"\(timestamp)\",\"level\":\"warning\",\"label\":"))
    }

    @Test func eventMetadataWinsOverProviderWhichWinsOverTheHandler() throws {
        let label = self.uniqueLabel()
        let provider = Logger.MetadataProvider { ["k": "provider", "p": "only-provider"] }
        var logger = Logger(label: label) { JSONLogHandler(label: $0, metadataProvider: provider) }
        logger[metadataKey: "k"] = "handler"
        logger[metadataKey: "h"] = "only-handler"
        let lines = capturedLines(containing: label) {
            logger.info("first", metadata: ["k": "event"])
            logger.info("second")
        }
        #expect(lines.count == 2)
        let first = try jsonObject(try #require(lines.first))
        #expect(first["k"] as? String == "event")
        #expect(first["p"] as? String == "only-provider")
        #expect(first["h"] as? String == "only-handler")
        let second = try jsonObject(try #require(lines.last))
        #expect(second["k"] as? String == "provider")
    }

    @Test func metadataCannotOverrideTheFixedKeys() throws {
        let label = self.uniqueLabel()
        let logger = Logger(label: label) { JSONLogHandler(label: $0) }
        let lines = capturedLines(containing: label) {
            logger.error(
                "real", metadata: ["msg": "fake", "level": "fake", "ts": "fake", "label": "fake", "source": "fake"])
        }
        let line = try #require(lines.first)
        #expect(!line.contains("fake"))
        let object = try jsonObject(line)
        #expect(object["msg"] as? String == "real")
        #expect(object["level"] as? String == "error")
        #expect(object.count == 5)
    }

    @Test func messagesBelowTheLevelAreNotWritten() {
        let label = self.uniqueLabel()
        let logger = Logger(label: label) { JSONLogHandler(label: $0, logLevel: .notice) }
        let lines = capturedLines(containing: label) {
            logger.info("hidden")
            logger.notice("shown")
        }
        #expect(lines.count == 1)
        #expect(lines.first?.contains("shown") == true)
    }
}

@Suite("JSONText")
struct JSONTextTests {
    private func encoded(_ value: String) -> String {
        var output = ""
        JSONText.appendString(value, to: &output)
        return output
    }

    private func decoded(_ json: String) throws -> String {
        let array = try JSONSerialization.jsonObject(with: Data("[\(json)]".utf8))
        return try #require((array as? [String])?.first)
    }

    @Test func everyControlCharacterIsEscapedAndRoundTrips() throws {
        for value: UInt32 in 0..<0x20 {
            let original = "a" + String(Character(Unicode.Scalar(value)!)) + "b"
            let json = self.encoded(original)
            #expect(!json.unicodeScalars.contains { $0.value < 0x20 }, "U+\(String(value, radix: 16)) written raw")
            #expect(try self.decoded(json) == original, "U+\(String(value, radix: 16))")
        }
    }

    @Test func shortEscapesAreUsedWhereJSONHasThem() {
        #expect(self.encoded("\"") == #""\"""#)
        #expect(self.encoded("\\") == #""\\""#)
        #expect(self.encoded("\n") == #""\n""#)
        #expect(self.encoded("\r") == #""\r""#)
        #expect(self.encoded("\t") == #""\t""#)
        #expect(self.encoded("\u{01}") == #""\u0001""#)
        #expect(self.encoded("\u{1B}") == #""\u001b""#)
    }

    @Test func nonASCIIIsWrittenAsIsAndRoundTrips() throws {
        let original = "é ü 漢字 😀 \u{2028} \u{7F} / <script>"
        let json = self.encoded(original)
        #expect(json == "\"" + original + "\"")
        #expect(try self.decoded(json) == original)
    }

    @Test func valuesNestWithSortedKeys() throws {
        var output = ""
        let value: Logger.Metadata.Value = [
            "b": ["x", ["c": "d"]],
            "a": .stringConvertible(1.5),
            "e": [],
            "f": [:],
        ]
        JSONText.appendValue(value, to: &output)
        #expect(output == #"{"a":"1.5","b":["x",{"c":"d"}],"e":[],"f":{}}"#)
        #expect(try JSONSerialization.jsonObject(with: Data(output.utf8)) is [String: Any])
    }

    @Test func timestampIsRFC3339UTCWithMilliseconds() throws {
        let before = Date()
        let timestamp = JSONLogHandler.timestamp()
        let after = Date()
        #expect(isTimestamp(timestamp), "\(timestamp)")
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        let parsed = try #require(formatter.date(from: timestamp))
        // Millisecond precision truncates, so allow a millisecond before `before`.
        #expect(parsed >= before.addingTimeInterval(-0.002))
        #expect(parsed <= after.addingTimeInterval(0.002))
    }
}
