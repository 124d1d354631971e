import Foundation
import SwitchboardTestSupport

/// The value of the sample named `name` with exactly the label set `labels` (in any order) in
/// Prometheus text exposition, or nil if there is none.
func prometheusSample(_ name: String, _ labels: [String: String] = [:], in text: String) -> Double? {
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
        guard let space = line.lastIndex(of: " ") else { continue }
        let series = line[..<space]
        let value = line[line.index(after: space)...]
        let seriesName: Substring
        var seriesLabels: [String: String] = [:]
        if let brace = series.firstIndex(of: "{"), series.hasSuffix("}") {
            seriesName = series[..<brace]
            // Label values here never contain `,` or `"` escapes, so a plain split is enough.
            for pair in series[series.index(after: brace)..<series.index(before: series.endIndex)].split(separator: ",")
            {
                guard let equals = pair.firstIndex(of: "=") else { continue }
                seriesLabels[String(pair[..<equals])] = String(pair[pair.index(after: equals)...]).trimmingCharacters(
                    in: ["\""])
            }
        } else {
            seriesName = series
        }
        if seriesName == name && seriesLabels == labels { return Double(value) }
    }
    return nil
}

/// Polls `condition` until it holds or `timeout` passes; returns whether it held. Blocks the thread:
/// call it inside `withBlockingIO`.
func eventually(timeout: Duration = .seconds(2), interval: Duration = .milliseconds(20), _ condition: () throws -> Bool)
    rethrows -> Bool
{
    let deadline = ContinuousClock.now + timeout
    while true {
        if try condition() { return true }
        guard ContinuousClock.now < deadline else { return false }
        pause(interval)
    }
}

/// Blocks the thread for `duration`: call it inside `withBlockingIO`.
func pause(_ duration: Duration) {
    Thread.sleep(forTimeInterval: Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
}

/// A fresh, unique path under the temporary directory (not created).
func temporaryPath(_ prefix: String) -> String {
    NSTemporaryDirectory() + "\(prefix)-\(UUID().uuidString)"
}

/// Decodes a response body as JSON into `type`, failing with the body in the message.
func decodeBody<T: Decodable>(_ type: T.Type, from response: RawHTTPResponse) throws -> T {
    do {
        return try JSONDecoder().decode(type, from: Data(response.body.utf8))
    } catch {
        throw BodyDecodingError(type: "\(type)", body: response.body, underlying: "\(error)")
    }
}

struct BodyDecodingError: Error, CustomStringConvertible {
    var type: String
    var body: String
    var underlying: String
    var description: String { "cannot decode \(type) from body \(body.debugDescription): \(underlying)" }
}

/// `GET /health`'s body.
struct HealthBody: Decodable {
    var status: String
    var version: String
    var uptime_seconds: Double
}

/// `GET /ready`'s body; the problem members are present when not ready.
struct ReadinessBody: Decodable {
    struct Check: Decodable {
        var ready: Bool
        var detail: String
    }

    var status: String
    var checks: [String: Check]
    var type: String?
    var title: String?
    var detail: String?
}
