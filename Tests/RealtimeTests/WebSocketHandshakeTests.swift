import Core
import NIOHTTP1
import SwitchboardTestSupport
import Testing

@testable import Realtime

private let sampleKey = "dGhlIHNhbXBsZSBub25jZQ=="

private func head(
    method: HTTPMethod = .GET,
    version: HTTPVersion = .http1_1,
    replacing overrides: [(String, String?)] = [],
    adding extra: [(String, String)] = []
) -> HTTPRequestHead {
    var headers = HTTPHeaders([
        ("Host", "switchboard.example.com"),
        ("Connection", "Upgrade"),
        ("Upgrade", "websocket"),
        ("Sec-WebSocket-Version", "13"),
        ("Sec-WebSocket-Key", sampleKey),
    ])
    for (name, value) in overrides {
        headers.remove(name: name)
        if let value { headers.add(name: name, value: value) }
    }
    headers.add(contentsOf: extra)
    return HTTPRequestHead(version: version, method: method, uri: "/v1/echo", headers: headers)
}

private func rejection(_ head: HTTPRequestHead, sourceLocation: SourceLocation = #_sourceLocation)
    -> HandshakeRejection?
{
    switch WebSocketHandshake.validate(head) {
    case .success(let key):
        Issue.record("expected a rejection, got key \(key)", sourceLocation: sourceLocation)
        return nil
    case .failure(let rejection):
        return rejection
    }
}

@Suite("WebSocketHandshake")
struct WebSocketHandshakeTests {
    @Test func aGoodRequestYieldsItsKey() throws {
        #expect(try WebSocketHandshake.validate(head()).get() == sampleKey)
    }

    @Test func headerTokensAreCaseInsensitiveAndMayBeLists() throws {
        let request = head(replacing: [("Connection", "keep-alive, UPGRADE"), ("Upgrade", "WebSocket")])
        #expect(try WebSocketHandshake.validate(request).get() == sampleKey)
    }

    @Test(arguments: [HTTPMethod.POST, .PUT, .HEAD, .OPTIONS])
    func otherMethodsGet405WithAllow(method: HTTPMethod) throws {
        let rejected = try #require(rejection(head(method: method)))
        #expect(rejected.problem.status == 405)
        #expect(rejected.headers == [HandshakeRejection.HeaderField("Allow", "GET")])
    }

    @Test func http10Gets400() throws {
        let rejected = try #require(rejection(head(version: .http1_0)))
        #expect(rejected.problem.status == 400)
        #expect(rejected.reason == "bad_request")
    }

    @Test(arguments: [nil, "keep-alive", "upgrades"] as [String?])
    func aConnectionHeaderWithoutUpgradeGets400(connection: String?) throws {
        let rejected = try #require(rejection(head(replacing: [("Connection", connection)])))
        #expect(rejected.problem.status == 400)
    }

    @Test(arguments: [nil, "h2c", "websockets"] as [String?])
    func anUpgradeHeaderOtherThanWebSocketGets400(upgrade: String?) throws {
        let rejected = try #require(rejection(head(replacing: [("Upgrade", upgrade)])))
        #expect(rejected.problem.status == 400)
    }

    @Test(arguments: ["8", "12", "14", "13, 8", "", nil] as [String?])
    func anotherVersionGets426NamingVersion13(version: String?) throws {
        let rejected = try #require(rejection(head(replacing: [("Sec-WebSocket-Version", version)])))
        #expect(rejected.problem.status == 426)
        #expect(rejected.headers == [HandshakeRejection.HeaderField("Sec-WebSocket-Version", "13")])
        #expect(rejected.reason == "unsupported_version")
    }

    static let badKeys: [String?] = [
        nil,
        "",
        "not base64 at all!",
        "dGhlIHNhbXBsZSBub25jZQ",  // padding missing
        "dGhlIHNhbXBsZSBub25j",  // 15 bytes
        "dGhlIHNhbXBsZSBub25jZSE=",  // 17 bytes
        "dGhl-HNhbXBsZSBub25jZQ==",  // base64url alphabet
    ]

    @Test(arguments: badKeys)
    func aBadKeyGets400(key: String?) throws {
        let rejected = try #require(rejection(head(replacing: [("Sec-WebSocket-Key", key)])))
        #expect(rejected.problem.status == 400)
    }

    @Test func twoKeysGet400() throws {
        let rejected = try #require(rejection(head(adding: [("Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAAAA==")])))
        #expect(rejected.problem.status == 400)
    }

    @Test func theAcceptValueIsTheRFCExample() {
        // RFC 6455 section 1.3.
        #expect(WebSocketHandshake.acceptValue(forKey: sampleKey) == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }
}
