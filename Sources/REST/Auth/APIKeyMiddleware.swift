public import Core
public import HTTPTypes
public import Hummingbird

/// Requires a valid `X-API-Key` on every route but the open ones, and records who is calling in
/// ``SwitchboardRequestContext/caller``.
///
/// A refusal is a 401 problem with `WWW-Authenticate` (RFC 9110 section 11.6.1 requires it), built
/// here rather than thrown, since a thrown problem loses its headers on the way out. The detail says
/// whether the key was missing or wrong, never what was sent.
public struct APIKeyMiddleware: RouterMiddleware {
    public typealias Context = SwitchboardRequestContext

    /// The request header that carries the key.
    public static let headerName = HTTPField.Name("X-API-Key")!
    /// The paths orchestrators, scrapers and documentation readers reach without a key.
    public static let defaultOpenPaths: Set<String> = ["/health", "/ready", "/metrics", "/openapi.json", "/docs"]
    /// The challenge sent with every 401 (an API key scheme is not registered, but this form is what
    /// OpenAPI's `apiKey` security scheme describes).
    static let challenge = "ApiKey header=\"X-API-Key\""

    private let keyRing: APIKeyRing
    private let openPaths: Set<String>

    /// - Parameters:
    ///   - keyRing: the keys that authenticate.
    ///   - additionalOpenPaths: exact paths, besides ``defaultOpenPaths``, that need no key.
    public init(keyRing: APIKeyRing, additionalOpenPaths: Set<String> = []) {
        self.keyRing = keyRing
        self.openPaths = Self.defaultOpenPaths.union(additionalOpenPaths)
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        // Exact matches only: a prefix rule would open `/docs/../v1/...` to anyone.
        if self.openPaths.contains(request.uri.path) {
            return try await next(request, context)
        }
        guard let presented = request.headers[Self.headerName], !presented.isEmpty else {
            return Self.unauthorized("this request needs an API key in the X-API-Key header")
        }
        guard let caller = self.keyRing.caller(for: presented) else {
            return Self.unauthorized("the API key in the X-API-Key header is not valid")
        }
        var context = context
        context.caller = caller
        return try await next(request, context)
    }

    static func unauthorized(_ detail: String) -> Response {
        ProblemDetails(status: 401, title: "Unauthorized", detail: detail)
            .response(headers: [.wwwAuthenticate: Self.challenge])
    }
}

extension SwitchboardRequestContext {
    /// The caller, when its key grants `role`; admin keys grant every role.
    ///
    /// Throws a 403 problem when the key's role is too weak, and a 401 when there is no caller at all
    /// (a route left open by mistake); the 401 is an `HTTPError` so that `WWW-Authenticate` survives
    /// ``ProblemMiddleware``, which still turns it into a problem body.
    public func requireRole(_ role: APIKeyGrant.Role) throws -> Caller {
        guard let caller = self.caller else {
            throw HTTPError(
                .unauthorized,
                headers: [.wwwAuthenticate: APIKeyMiddleware.challenge],
                message: "this request needs an API key in the X-API-Key header"
            )
        }
        guard caller.role == .admin || caller.role == role else {
            throw ProblemDetails(status: 403, title: "Forbidden", detail: "this route needs an \(role.rawValue) key")
        }
        return caller
    }
}
