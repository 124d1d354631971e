import Core
import Media
public import NIOHTTP1

/// Checks `X-Twilio-Signature` on a media stream upgrade: base64(HMAC-SHA1(auth token, URL)) where
/// URL is the exact public `wss://host/path` the provider was told to open.
///
/// Behind a TLS-terminating proxy the request says `http://127.0.0.1:8080`, so the URL is rebuilt
/// from `PUBLIC_URL`, never from the request. Validators in the field compute it with and without
/// the default port, so both forms are accepted. The signature carries no timestamp: a per-call,
/// single-use token in `start.customParameters` is the replay defence, not this check.
public struct TwilioSignatureValidator: Sendable {
    private let key: [UInt8]
    /// `wss://host[:port][/prefix]`, or `nil` to take the host from the request's `Host` header.
    private let publicBase: String?

    /// - Parameters:
    ///   - authToken: the account's auth token (`TWILIO_AUTH_TOKEN`).
    ///   - publicURL: `PUBLIC_URL`; `https://` becomes `wss://` and `http://` becomes `ws://`.
    public init(authToken: String, publicURL: String?) {
        self.key = Array(authToken.utf8)
        self.publicBase = publicURL.map(Self.webSocketScheme)
    }

    /// Whether `headers` carry a valid signature for a request to `path` (and `query`).
    public func isValid(path: String, query: String?, headers: HTTPHeaders) -> Bool {
        guard let signature = headers.first(name: "x-twilio-signature"),
            let provided = Base64.decode(signature.trimmingSpaces())
        else { return false }
        let suffix = path + (query.map { "?" + $0 } ?? "")
        var valid = false
        // Every candidate is checked, so the time taken does not say which form matched.
        for base in self.candidateBases(headers: headers) {
            let expected = HMACSHA1.authenticationCode(key: self.key, message: Array((base + suffix).utf8))
            if constantTimeEquals(expected, provided) { valid = true }
        }
        return valid
    }

    /// The public base with and without the scheme's default port.
    func candidateBases(headers: HTTPHeaders) -> [String] {
        let base: String
        if let publicBase = self.publicBase {
            base = publicBase
        } else if let host = headers.first(name: "host"), !host.isEmpty {
            base = "wss://" + host
        } else {
            return []
        }
        return Self.withAndWithoutDefaultPort(base)
    }

    static func webSocketScheme(_ url: String) -> String {
        let lower = url.lowercased()
        if lower.hasPrefix("https://") { return "wss://" + url.dropFirst("https://".count) }
        if lower.hasPrefix("http://") { return "ws://" + url.dropFirst("http://".count) }
        return url
    }

    static func withAndWithoutDefaultPort(_ base: String) -> [String] {
        let secure = base.lowercased().hasPrefix("wss://")
        let scheme = secure ? "wss://" : "ws://"
        let defaultPort = secure ? ":443" : ":80"
        let rest = base.dropFirst(scheme.count)
        let hostEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<hostEnd]
        let path = rest[hostEnd...]
        if authority.hasSuffix(defaultPort) {
            return [base, scheme + authority.dropLast(defaultPort.count) + path]
        }
        if authority.contains(":") && !authority.hasSuffix("]") {
            return [base]  // an explicit non-default port is signed as it is
        }
        return [base, scheme + authority + defaultPort + path]
    }
}
