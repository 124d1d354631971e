/// An RFC 9457 problem: the body of every error response Switchboard sends over HTTP.
///
/// `type` stays `about:blank` unless a problem has a page of its own; `title` is the short,
/// status-wide summary, `detail` what went wrong with this request, in words a client developer can act on.
public struct ProblemDetails: Codable, Sendable, Hashable, Error {
    public var type: String
    public var title: String
    public var status: Int
    public var detail: String?
    public var instance: String?
    /// An extension member for validation problems: each bad field of the request and why.
    public var errors: [FieldError]?

    public init(
        status: Int, title: String, detail: String? = nil, type: String = "about:blank", instance: String? = nil,
        errors: [FieldError]? = nil
    ) {
        self.type = type
        self.title = title
        self.status = status
        self.detail = detail
        self.instance = instance
        self.errors = errors
    }

    /// One rejected field: its name as the client sent it (`tags[2]` for an array item) and why.
    public struct FieldError: Codable, Sendable, Hashable {
        public var field: String
        public var detail: String

        public init(field: String, detail: String) {
            self.field = field
            self.detail = detail
        }
    }

    /// The media type of a problem body.
    public static let mediaType = "application/problem+json"
}
