import NIOCore
import Testing

@testable import REST

/// Which requests the heartbeat fast path reads as plain heartbeats, field by field: anything the
/// router or the connection would treat differently must be left to them.
@Suite("Heartbeat fast-path request rules")
struct HeartbeatFastPathRequestTests {
    private static let id = "ses_01JF000000000000000000000A"

    /// The API key the fast path finds in a heartbeat with these fields, or `nil`.
    private static func key(_ fields: [(String, String)]) throws -> String? {
        var text = "POST /v1/sessions/\(Self.id)/heartbeat HTTP/1.1\r\n"
        for (name, value) in fields { text += "\(name): \(value)\r\n" }
        let head = try #require(HTTPRequestHeadBytes(ByteBuffer(string: text + "\r\n")))
        return head.withUnsafeBytes { raw in
            HeartbeatFastPath.apiKey(ofPlainHeartbeat: head, raw).map {
                String(decoding: raw[$0], as: UTF8.self)
            }
        }
    }

    @Test("The API key is found whatever the name's case, with other fields around it")
    func keyFound() throws {
        for name in ["X-API-Key", "x-api-key", "X-API-KEY", "x-Api-kEy"] {
            let fields = [("Host", "h"), (name, " k1\t"), ("Content-Length", "0"), ("Connection", "Keep-Alive")]
            #expect(try Self.key(fields) == "k1", "\(name)")
        }
    }

    @Test(
        "Refused: no key, an empty or repeated key, CORS, an idempotency key, Expect, Connection: close",
        arguments: [
            [("Host", "h")],
            [("X-API-Key", "")],
            [("X-API-Key", "k1"), ("x-api-key", "k1")],
            [("X-API-Key", "k1"), ("origin", "https://console.example")],
            [("IDEMPOTENCY-KEY", "abc"), ("X-API-Key", "k1")],
            [("X-API-Key", "k1"), ("Expect", "100-continue")],
            [("X-API-Key", "k1"), ("Connection", "close")],
            [("X-API-Key", "k1"), ("Connection", "keep-alive, x")],
            // Near misses of the names: not the key.
            [("X-API-Keys", "k1")], [("X-API-Ke", "k1")],
        ])
    func refused(fields: [(String, String)]) throws {
        #expect(try Self.key(fields) == nil)
    }

    @Test("Only the exact heartbeat path of a well-formed session id")
    func paths() {
        func sessionID(_ path: String) -> String? {
            var bytes = ByteBuffer(string: path)
            return bytes.withUnsafeMutableReadableBytes { raw in
                HeartbeatFastPath.sessionID(inHeartbeatPath: UnsafeRawBufferPointer(raw), 0..<raw.count)
            }
        }
        #expect(sessionID("/v1/sessions/\(Self.id)/heartbeat") == Self.id)
        for path in [
            "/v1/sessions/\(Self.id)/heartbeat?x=1", "/v1/sessions/\(Self.id)/heartbeat/", "/v1/sessions//heartbeat",
            "/v1/sessions/\(Self.id)", "/v1/sessions/ses_nope/heartbeat",
            "/v1/sessions/tkt_01JF000000000000000000000A/heartbeat",
            "/v1/sessions/\(Self.id)/x/heartbeat", "http://h/v1/sessions/\(Self.id)/heartbeat",
            "/v1/sessions/heartbeat",
        ] {
            #expect(sessionID(path) == nil, "\(path)")
        }
    }
}
