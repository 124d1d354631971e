import Core
import Media
import NIOHTTP1
import Testing

@testable import Realtime

/// The signature a provider sends for `url`, computed the documented way.
private func sign(_ url: String, token: String = "token") -> String {
    Base64.encode(HMACSHA1.authenticationCode(key: Array(token.utf8), message: Array(url.utf8)))
}

private func headers(signature: String?, host: String? = nil) -> HTTPHeaders {
    var headers = HTTPHeaders()
    if let host { headers.add(name: "Host", value: host) }
    if let signature { headers.add(name: "X-Twilio-Signature", value: signature) }
    return headers
}

private func isValid(
    publicURL: String?,
    signature: String?,
    host: String? = "127.0.0.1:8080",
    path: String = "/v1/media",
    query: String? = nil,
    token: String = "token"
) -> Bool {
    TwilioSignatureValidator(authToken: token, publicURL: publicURL)
        .isValid(path: path, query: query, headers: headers(signature: signature, host: host))
}

@Suite("TwilioSignatureValidator")
struct TwilioSignatureValidatorTests {
    /// Computed independently with python3:
    /// `base64.b64encode(hmac.new(b'token', b'wss://example.com/v1/media', hashlib.sha1).digest())`.
    static let fixedSignature = "GVW7yiNY0mHk6W7m4VJQsjDZgwo="
    /// The same over `wss://example.com:443/v1/media`.
    static let fixedSignatureWithPort = "zB5uIkwUI3NfEl5Q8rdAN1Edip8="
    /// Token `12345` over `wss://abc.ngrok.io/prefix/v1/media?x=1`.
    static let fixedSignatureWithPrefixAndQuery = "yWD1RiDujEb+L9x0Bw8GpCF+fJA="

    @Test func fixedVectors() {
        #expect(sign("wss://example.com/v1/media") == Self.fixedSignature)
        #expect(sign("wss://example.com:443/v1/media") == Self.fixedSignatureWithPort)
        #expect(sign("wss://abc.ngrok.io/prefix/v1/media?x=1", token: "12345") == Self.fixedSignatureWithPrefixAndQuery)
        #expect(isValid(publicURL: "https://example.com", signature: Self.fixedSignature))
        #expect(isValid(publicURL: "wss://example.com", signature: Self.fixedSignature))
        #expect(
            isValid(
                publicURL: "https://abc.ngrok.io/prefix", signature: Self.fixedSignatureWithPrefixAndQuery,
                query: "x=1", token: "12345"))
    }

    @Test func validSignature() {
        #expect(isValid(publicURL: "https://example.com", signature: sign("wss://example.com/v1/media")))
    }

    @Test func wrongToken() {
        #expect(!isValid(publicURL: "https://example.com", signature: Self.fixedSignature, token: "other"))
        #expect(!isValid(publicURL: "https://example.com", signature: Self.fixedSignature, token: ""))
        #expect(!isValid(publicURL: "https://example.com", signature: Self.fixedSignature, token: "token "))
    }

    @Test func wrongURL() {
        #expect(!isValid(publicURL: "https://example.org", signature: Self.fixedSignature))
        #expect(!isValid(publicURL: "https://example.com", signature: Self.fixedSignature, path: "/v1/live"))
        #expect(!isValid(publicURL: "https://example.com", signature: Self.fixedSignature, path: "/v1/media/"))
        #expect(!isValid(publicURL: "https://example.com", signature: Self.fixedSignature, query: "x=1"))
        // Signed for a plain-text socket, served over TLS.
        #expect(!isValid(publicURL: "https://example.com", signature: sign("ws://example.com/v1/media")))
        #expect(!isValid(publicURL: "https://example.com", signature: sign("https://example.com/v1/media")))
    }

    @Test func missingHeader() {
        #expect(!isValid(publicURL: "https://example.com", signature: nil))
        #expect(!isValid(publicURL: nil, signature: nil, host: "example.com"))
    }

    @Test(arguments: [
        "", " ", "garbage!", "GVW7yiNY0mHk6W7m4VJQsjDZgwo==", "GVW7yiNY0mHk6W7m4VJQ",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAA=", "GVW7yiNY0mHk6W7m4VJQsjDZgwo=GVW7yiNY0mHk6W7m4VJQsjDZgwo=",
        "GVW7yiNY0mHk6W7m4VJQsjDZgwo=\u{0}", "hvW7yiNY0mHk6W7m4VJQsjDZgwo=", "GVW7yiNY0mHk6W7m4VJQsjDZgww=",
        "GVW7yiNY0mHk6W7m4VJQsjDZgwo=GVW7", "GVW7yiNY0mHk-W7m4VJQsjDZgwo=",
    ])
    func garbageHeader(signature: String) {
        #expect(!isValid(publicURL: "https://example.com", signature: signature))
    }

    @Test func surroundingSpacesAndHeaderCaseAreTolerated() {
        #expect(isValid(publicURL: "https://example.com", signature: "  \(Self.fixedSignature) "))
        var headers = HTTPHeaders()
        headers.add(name: "x-twilio-signature", value: Self.fixedSignature)
        let validator = TwilioSignatureValidator(authToken: "token", publicURL: "https://example.com")
        #expect(validator.isValid(path: "/v1/media", query: nil, headers: headers))
    }

    @Test func theFirstSignatureHeaderCounts() {
        var headers = HTTPHeaders()
        headers.add(name: "X-Twilio-Signature", value: Self.fixedSignature)
        headers.add(name: "X-Twilio-Signature", value: "garbage")
        let validator = TwilioSignatureValidator(authToken: "token", publicURL: "https://example.com")
        #expect(validator.isValid(path: "/v1/media", query: nil, headers: headers))
    }

    @Test(arguments: [
        "https://example.com", "https://example.com:443", "wss://example.com", "wss://example.com:443",
    ])
    func withAndWithoutTheDefaultPortWhicheverWasSigned(publicURL: String) {
        #expect(isValid(publicURL: publicURL, signature: Self.fixedSignature))
        #expect(isValid(publicURL: publicURL, signature: Self.fixedSignatureWithPort))
        #expect(!isValid(publicURL: publicURL, signature: sign("wss://example.com:8443/v1/media")))
    }

    @Test func plainHTTPPublicURLBecomesWS() {
        for publicURL in ["http://example.com", "http://example.com:80", "ws://example.com"] {
            #expect(isValid(publicURL: publicURL, signature: sign("ws://example.com/v1/media")), "\(publicURL)")
            #expect(isValid(publicURL: publicURL, signature: sign("ws://example.com:80/v1/media")), "\(publicURL)")
            #expect(!isValid(publicURL: publicURL, signature: sign("wss://example.com/v1/media")), "\(publicURL)")
        }
    }

    @Test func anExplicitNonDefaultPortIsUsedAsIs() {
        let publicURL = "https://example.com:8443"
        #expect(isValid(publicURL: publicURL, signature: sign("wss://example.com:8443/v1/media")))
        #expect(!isValid(publicURL: publicURL, signature: sign("wss://example.com/v1/media")))
        #expect(!isValid(publicURL: publicURL, signature: sign("wss://example.com:443/v1/media")))
        // 80 is not the default for wss, nor 443 for ws.
        #expect(!isValid(publicURL: "wss://example.com:80", signature: sign("wss://example.com/v1/media")))
        #expect(!isValid(publicURL: "ws://example.com:443", signature: sign("ws://example.com/v1/media")))
    }

    @Test func publicURLWithAPathPrefix() {
        let publicURL = "https://example.com/switchboard"
        #expect(isValid(publicURL: publicURL, signature: sign("wss://example.com/switchboard/v1/media")))
        #expect(isValid(publicURL: publicURL, signature: sign("wss://example.com:443/switchboard/v1/media")))
        #expect(!isValid(publicURL: publicURL, signature: sign("wss://example.com/v1/media")))
        #expect(
            isValid(publicURL: "https://example.com:443/a/b", signature: sign("wss://example.com/a/b/v1/media")))
    }

    @Test func withoutPublicURLTheHostHeaderIsUsed() {
        #expect(isValid(publicURL: nil, signature: Self.fixedSignature, host: "example.com"))
        #expect(isValid(publicURL: nil, signature: Self.fixedSignatureWithPort, host: "example.com"))
        #expect(isValid(publicURL: nil, signature: Self.fixedSignature, host: "example.com:443"))
        #expect(isValid(publicURL: nil, signature: sign("wss://example.com:8443/v1/media"), host: "example.com:8443"))
        #expect(!isValid(publicURL: nil, signature: Self.fixedSignature, host: "example.org"))
        #expect(!isValid(publicURL: nil, signature: Self.fixedSignature, host: nil))
        #expect(!isValid(publicURL: nil, signature: Self.fixedSignature, host: ""))
    }

    @Test func publicURLWinsOverTheHostHeader() {
        // Behind a proxy the Host header says where the proxy connected, not what the provider signed.
        #expect(!isValid(publicURL: "https://example.com", signature: sign("wss://127.0.0.1:8080/v1/media")))
        #expect(
            !isValid(
                publicURL: "https://example.com", signature: sign("wss://evil.example/v1/media"), host: "evil.example"))
        #expect(isValid(publicURL: "https://example.com", signature: Self.fixedSignature, host: "evil.example"))
    }

    @Test func theQueryStringIsIncludedWhenPresent() {
        let signed = sign("wss://example.com/v1/media?token=abc&n=1")
        #expect(isValid(publicURL: "https://example.com", signature: signed, query: "token=abc&n=1"))
        #expect(isValid(publicURL: "https://example.com:443", signature: signed, query: "token=abc&n=1"))
        #expect(!isValid(publicURL: "https://example.com", signature: signed))
        #expect(!isValid(publicURL: "https://example.com", signature: signed, query: "token=abc"))
        #expect(!isValid(publicURL: "https://example.com", signature: Self.fixedSignature, query: "token=abc&n=1"))
    }

    // MARK: Internals

    @Test(arguments: [
        ("https://example.com", "wss://example.com"),
        ("HTTPS://Example.com/x", "wss://Example.com/x"),
        ("http://example.com:8080", "ws://example.com:8080"),
        ("Http://example.com", "ws://example.com"),
        ("wss://example.com", "wss://example.com"),
        ("ws://example.com", "ws://example.com"),
    ])
    func webSocketScheme(input: String, expected: String) {
        #expect(TwilioSignatureValidator.webSocketScheme(input) == expected)
    }

    @Test(arguments: [
        ("wss://example.com", ["wss://example.com", "wss://example.com:443"]),
        ("wss://example.com:443", ["wss://example.com:443", "wss://example.com"]),
        ("wss://example.com/prefix", ["wss://example.com/prefix", "wss://example.com:443/prefix"]),
        ("wss://example.com:443/a/b", ["wss://example.com:443/a/b", "wss://example.com/a/b"]),
        ("wss://example.com:8443", ["wss://example.com:8443"]),
        ("wss://example.com:8443/prefix", ["wss://example.com:8443/prefix"]),
        ("wss://example.com:4430", ["wss://example.com:4430"]),
        ("wss://example.com:80", ["wss://example.com:80"]),
        ("ws://example.com", ["ws://example.com", "ws://example.com:80"]),
        ("ws://example.com:80/p", ["ws://example.com:80/p", "ws://example.com/p"]),
        ("ws://example.com:443", ["ws://example.com:443"]),
        ("wss://[::1]", ["wss://[::1]", "wss://[::1]:443"]),
        ("wss://[::1]:443", ["wss://[::1]:443", "wss://[::1]"]),
        ("wss://[::1]:8443/p", ["wss://[::1]:8443/p"]),
    ])
    func withAndWithoutDefaultPort(base: String, expected: [String]) {
        #expect(TwilioSignatureValidator.withAndWithoutDefaultPort(base) == expected)
    }

    @Test func candidateBases() {
        let configured = TwilioSignatureValidator(authToken: "t", publicURL: "https://example.com/p")
        #expect(
            configured.candidateBases(headers: headers(signature: nil, host: "ignored"))
                == ["wss://example.com/p", "wss://example.com:443/p"])
        let fromHost = TwilioSignatureValidator(authToken: "t", publicURL: nil)
        #expect(fromHost.candidateBases(headers: headers(signature: nil, host: "h:8080")) == ["wss://h:8080"])
        #expect(fromHost.candidateBases(headers: headers(signature: nil, host: "h")) == ["wss://h", "wss://h:443"])
        #expect(fromHost.candidateBases(headers: headers(signature: nil, host: nil)).isEmpty)
        #expect(fromHost.candidateBases(headers: headers(signature: nil, host: "")).isEmpty)
    }
}
