import Core
public import Hummingbird
import Logging
import NIOCore

/// Turns every error a route throws into an RFC 9457 problem response, so no client ever sees
/// Hummingbird's default error body or a bare 500 with internals in it.
public struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    private let catalog: RouteCatalog

    public init(catalog: RouteCatalog) {
        self.catalog = catalog
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            return Self.response(for: error, request: request, context: context, catalog: self.catalog)
        }
    }

    /// The problem answer for any error a route throws; also used by middleware that must see the
    /// final answer before this one would (idempotency keys store it).
    static func response(for error: any Error, request: Request, context: Context, catalog: RouteCatalog) -> Response {
        switch error {
        case let problem as ProblemDetails:
            return problem.response(headers: [:])
        case let error as any ProblemConvertible:
            if error.problem.status >= 500 {
                context.logger.error("Request failed", metadata: ["error": "\(error)"])
            }
            return error.problem.response(headers: error.problemHeaders)
        case let error as HTTPError where error.status == .notFound:
            // Keep what middleware added on the way out (rate-limit fields).
            var headers = error.headers
            headers[.contentLength] = nil
            let allowed = catalog.allowedMethods(for: request.uri.path)
            guard !allowed.isEmpty else {
                return ProblemDetails(
                    status: 404, title: "Not Found", detail: error.body ?? "no resource at \(request.uri.path)"
                )
                .response(headers: headers)
            }
            let allow = allowed.map(\.rawValue).joined(separator: ", ")
            headers[.allow] = allow
            return ProblemDetails(
                status: 405,
                title: "Method Not Allowed",
                detail: "\(request.method) is not allowed on \(request.uri.path); use \(allow)"
            ).response(headers: headers)
        case let error as HTTPError:
            var headers = error.headers
            headers[.contentLength] = nil
            let problem = ProblemDetails(
                status: Int(error.status.code),
                title: error.status.reasonPhrase,
                detail: error.body ?? Self.defaultDetail(error.status, request: request)
            )
            return problem.response(headers: headers)
        case let error as any HTTPResponseError:
            // Errors Hummingbird and NIO raise with a status of their own, e.g. a body over the
            // limit a route collects up to (`NIOTooManyBytesError`, 413).
            let detail = (error as? NIOTooManyBytesError)?.maxBytes.map { "the body is larger than \($0 / 1024) KiB" }
            return ProblemDetails(
                status: Int(error.status.code), title: error.status.reasonPhrase,
                detail: detail ?? Self.defaultDetail(error.status, request: request)
            ).response(headers: [:])
        default:
            context.logger.error("Unhandled error", metadata: ["error.type": "\(String(reflecting: type(of: error)))"])
            return ProblemDetails(
                status: 500, title: "Internal Server Error", detail: "the server failed to handle this request"
            )
            .response(headers: [:])
        }
    }

    private static func defaultDetail(_ status: HTTPResponse.Status, request: Request) -> String {
        status.reasonPhrase
    }
}
