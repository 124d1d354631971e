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

private func hex(_ bytes: [UInt8]) -> String {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}

private func sha1(_ bytes: some Sequence<UInt8>) -> String {
    var hash = SHA1()
    hash.update(bytes)
    return hex(hash.finish())
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

@Suite("SHA1")
struct SHA1Tests {
    // FIPS 180-2 appendix A and the NIST example vectors.
    @Test func fipsVectors() {
        #expect(sha1(Array("abc".utf8)) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(sha1([]) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        let message448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        #expect(sha1(Array(message448.utf8)) == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        let message896 =
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
            + "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"
        #expect(sha1(Array(message896.utf8)) == "a49b2446a02c645bf419f995b67091253a04a259")
    }

    @Test func oneMillionAs() {
        #expect(sha1(repeatElement(UInt8(ascii: "a"), count: 1_000_000)) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }

    @Test func updatesInPiecesEqualOneUpdate() {
        let message = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        for split in [0, 1, 55, 56, 63, 64, 65, 128, 299, 300] {
            var hash = SHA1()
            hash.update(message[..<split])
            hash.update(message[split...])
            #expect(hex(hash.finish()) == sha1(message), "split at \(split)")
        }
    }

    /// Every message length across the padding boundaries (55, 56, 64 bytes and their multiples),
    /// against the test support's independent implementation.
    @Test func everyPaddingLengthAgreesWithAnIndependentImplementation() {
        for length in 0...200 {
            let message = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ length) }
            #expect(sha1(message) == hex(TestSHA1.digest(message)), "length \(length)")
        }
    }
}
