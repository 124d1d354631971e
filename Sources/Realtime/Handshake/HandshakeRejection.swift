public import Core

/// Why an upgrade request was refused, and the HTTP response that says so: a problem+json body
/// (RFC 9457) plus any headers the status requires (`Sec-WebSocket-Version` on 426, `Retry-After`
/// on 503, `Allow` on 405).
public struct HandshakeRejection: Sendable, Hashable, Error {
    public var problem: ProblemDetails
    public var headers: [HeaderField]
    /// A bounded label for the rejection metric.
    public var reason: String

    public struct HeaderField: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(status: Int, title: String, detail: String, reason: String, headers: [HeaderField] = []) {
        self.problem = ProblemDetails(status: status, title: title, detail: detail)
        self.headers = headers
        self.reason = reason
    }

    public static func badRequest(_ detail: String) -> Self {
        Self(status: 400, title: "Bad Request", detail: detail, reason: "bad_request")
    }

    public static func forbidden(_ detail: String) -> Self {
        Self(status: 403, title: "Forbidden", detail: detail, reason: "forbidden")
    }

    public static func notFound(_ path: String) -> Self {
        Self(status: 404, title: "Not Found", detail: "no WebSocket endpoint at \(path)", reason: "not_found")
    }

    public static func unavailable(_ detail: String, reason: String, retryAfterSeconds: Int = 5) -> Self {
        Self(
            status: 503,
            title: "Service Unavailable",
            detail: detail,
            reason: reason,
            headers: [HeaderField("Retry-After", String(retryAfterSeconds))]
        )
    }
}
