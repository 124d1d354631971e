import Core
import HTTPTypes
public import Hummingbird
public import Realtime

/// Cross-origin access for browser consoles, limited to `ALLOWED_ORIGINS` (any origin when empty).
///
/// Meant to be the outermost middleware: preflights are answered before authentication, since
/// browsers never send `X-API-Key` on them, and every other response, refusals included, gets the
/// headers that let the page read it (a console cannot show "your key is wrong" from a 401 it may
/// not read). A disallowed origin gets no CORS headers at all, so the browser withholds the
/// response; a disallowed preflight is a 403 problem naming the origin, for the developer reading
/// the network tab.
public struct CORSMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The methods the REST API serves.
    public static var allowedMethods: String { "GET, POST, PATCH, DELETE, OPTIONS" }
    /// The request headers a page may set.
    public static var allowedHeaders: String { "X-API-Key, Content-Type, If-Match, If-None-Match, Idempotency-Key" }
    /// The response headers a page may read, beyond the CORS-safelisted ones.
    public static var exposedHeaders: String {
        "ETag, Location, Retry-After, RateLimit, RateLimit-Policy, Idempotency-Key"
    }
    /// How long, in seconds, a browser may cache a preflight answer.
    public static var maxAgeSeconds: Int { 600 }

    private let policy: OriginPolicy

    /// - Parameter allowedOrigins: `ALLOWED_ORIGINS`; empty allows any origin.
    public init(allowedOrigins: [String]) {
        self.init(policy: OriginPolicy(allowedOrigins: allowedOrigins))
    }

    /// The same policy the browser-facing WebSocket endpoints enforce.
    public init(policy: OriginPolicy) {
        self.policy = policy
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard let origin = request.headers[.origin] else {
            return Self.varyOnOrigin(try await next(request, context))
        }
        let allowed = self.allows(origin)
        if request.method == .options && request.headers[.accessControlRequestMethod] != nil {
            guard allowed else {
                return ProblemDetails(
                    status: 403, title: "Forbidden", detail: "the origin \(origin) may not call this API from a browser"
                ).response(headers: [.vary: "Origin"])
            }
            return Response(
                status: .noContent,
                headers: [
                    .accessControlAllowOrigin: origin,
                    .accessControlAllowMethods: Self.allowedMethods,
                    .accessControlAllowHeaders: Self.allowedHeaders,
                    .accessControlMaxAge: String(Self.maxAgeSeconds),
                    .vary: "Origin",
                ]
            )
        }
        let response: Response
        do {
            response = try await next(request, context)
        } catch let error as any ProblemConvertible {
            // Inside ProblemMiddleware nothing is thrown this far; outside it, render what we can.
            response = error.problem.response(headers: error.problemHeaders)
        } catch let problem as ProblemDetails {
            response = problem.response(headers: [:])
        } catch var error as HTTPError {
            // Its renderer (ProblemMiddleware or Hummingbird) keeps these headers.
            error.headers.append(contentsOf: Self.fields(origin: allowed ? origin : nil))
            throw error
        }
        var decorated = Self.varyOnOrigin(response)
        if allowed {
            decorated.headers[.accessControlAllowOrigin] = origin
            decorated.headers[.accessControlExposeHeaders] = Self.exposedHeaders
        }
        return decorated
    }

    private func allows(_ origin: String) -> Bool {
        // `null` is what sandboxed frames and `file:` pages send; echoing it would admit all of them.
        guard origin != "null" else { return false }
        switch self.policy {
        case .any: return true
        case .only(let origins): return origins.contains(Origin.normalise(origin))
        }
    }

    private static func fields(origin: String?) -> HTTPFields {
        var fields: HTTPFields = [.vary: "Origin"]
        if let origin {
            fields[.accessControlAllowOrigin] = origin
            fields[.accessControlExposeHeaders] = Self.exposedHeaders
        }
        return fields
    }

    /// Whether a response carries CORS headers depends on `Origin`, so every response says so, even
    /// one to a request without it: otherwise a shared cache could hand a header-less copy to a page.
    private static func varyOnOrigin(_ response: Response) -> Response {
        let vary = response.headers[values: .vary]
        let listed = vary.contains {
            $0.split(separator: ",").contains { String($0).trimmingSpaces().lowercased() == "origin" }
        }
        guard !listed else { return response }
        var response = response
        response.headers.append(HTTPField(name: .vary, value: "Origin"))
        return response
    }
}
