import NIOHTTP1
import Testing

@testable import REST

/// Which requests the heartbeat fast path reads as plain heartbeats, field by field: anything the
/// router would treat differently must be left to it.
@Suite("Heartbeat fast-path request rules")
struct HeartbeatFastPathRequestTests {
    private static let id = "ses_01JF000000000000000000000A"

    @Test("The API key is found whatever the name's case, with other fields around it")
    func keyFound() {
        for name in ["X-API-Key", "x-api-key", "X-API-KEY", "x-Api-kEy"] {
            let headers = HTTPHeaders([("Host", "h"), (name, "k1"), ("Content-Length", "0"), ("Connection", "close")])
            #expect(HeartbeatFastPath.apiKey(ofBodilessRequest: headers) == "k1", "\(name)")
        }
    }

    @Test(
        "Refused: no key, an empty or repeated key, a body, CORS, an idempotency key",
        arguments: [
            [("Host", "h")],
            [("X-API-Key", "")],
            [("X-API-Key", "k1"), ("x-api-key", "k1")],
            [("X-API-Key", "k1"), ("Content-Length", "2")],
            [("X-API-Key", "k1"), ("Transfer-Encoding", "chunked")],
            [("X-API-Key", "k1"), ("origin", "https://console.example")],
            [("IDEMPOTENCY-KEY", "abc"), ("X-API-Key", "k1")],
            // Near misses of the names: not the key.
            [("X-API-Keys", "k1")], [("X-API-Ke", "k1")],
        ])
    func refused(fields: [(String, String)]) {
        #expect(HeartbeatFastPath.apiKey(ofBodilessRequest: HTTPHeaders(fields)) == nil)
    }

    @Test("Only the exact heartbeat path of a well-formed session id")
    func paths() {
        #expect(HeartbeatFastPath.sessionID(inHeartbeatPath: "/v1/sessions/\(Self.id)/heartbeat") == Self.id)
        for path in [
            "/v1/sessions/\(Self.id)/heartbeat?x=1", "/v1/sessions/\(Self.id)/heartbeat/", "/v1/sessions//heartbeat",
            "/v1/sessions/\(Self.id)", "/v1/sessions/ses_nope/heartbeat",
            "/v1/sessions/tkt_01JF000000000000000000000A/heartbeat",
            "/v1/sessions/\(Self.id)/x/heartbeat", "http://h/v1/sessions/\(Self.id)/heartbeat",
            "/v1/sessions/heartbeat",
        ] {
            #expect(HeartbeatFastPath.sessionID(inHeartbeatPath: path) == nil, "\(path)")
        }
    }
}
