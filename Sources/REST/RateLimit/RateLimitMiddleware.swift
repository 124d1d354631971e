import Core
public import HTTPTypes
public import Hummingbird

/// Limits each API key to `RATE_LIMIT` requests per minute, with a burst of the same size.
///
/// Every response to a limited caller says where it stands, in the fields of
/// draft-ietf-httpapi-ratelimit-headers (`RateLimit-Policy`, `RateLimit`), so well-behaved clients
/// slow down before they are refused; a refusal is a 429 problem with `Retry-After`. Requests
/// without a caller (the open routes) are not limited: only keys have buckets.
public struct RateLimitMiddleware: RouterMiddleware {
    public typealias Context = SwitchboardRequestContext

    public static let policyHeaderName = HTTPField.Name("RateLimit-Policy")!
    public static let headerName = HTTPField.Name("RateLimit")!

    private let limiter: RateLimiter?
    private let policy: String

    /// - Parameters:
    ///   - limitPerMinute: `RATE_LIMIT`; 0 turns limiting off.
    ///   - clock: the time; tests inject one to refill buckets without sleeping.
    public init(
        limitPerMinute: Int,
        clock: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.init(limiter: limitPerMinute > 0 ? RateLimiter(limitPerMinute: limitPerMinute, clock: clock) : nil)
    }

    /// Limits with `limiter`, or not at all when it is `nil`.
    public init(limiter: RateLimiter?) {
        self.limiter = limiter
        self.policy = limiter.map { "\"default\";q=\($0.limitPerMinute);w=60" } ?? ""
    }

    /// The rate-limit fields every answer to a limited caller carries.
    func fields(for decision: TokenBucket.Decision) -> HTTPFields {
        [
            Self.policyHeaderName: self.policy,
            Self.headerName: "\"default\";r=\(decision.remaining);t=\(decision.resetSeconds)",
        ]
    }

    /// Takes `caller`'s token for a request `serve` may answer outside the router (the heartbeat
    /// fast path) and calls `serve` with the fields to send. `nil` when the router must answer: over
    /// the limit (its 429), or `serve` declined, in which case the token is given back so that the
    /// router's own take does not charge the request twice.
    func admit<T>(_ caller: Caller, _ serve: (HTTPFields) -> T?) -> T? {
        guard let limiter = self.limiter else { return serve([:]) }
        let decision = limiter.take(caller.keyID)
        guard decision.isAllowed else { return nil }
        if let served = serve(self.fields(for: decision)) { return served }
        limiter.giveBack(caller.keyID)
        return nil
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard let limiter = self.limiter, let caller = context.caller else {
            return try await next(request, context)
        }
        let decision = limiter.take(caller.keyID)
        let fields = self.fields(for: decision)
        guard decision.isAllowed else {
            var headers = fields
            headers[.retryAfter] = String(decision.retryAfterSeconds)
            return ProblemDetails(
                status: 429,
                title: "Too Many Requests",
                detail: "this API key may make \(limiter.limitPerMinute) requests a minute; "
                    + "retry in \(decision.retryAfterSeconds) s"
            ).response(headers: headers)
        }
        do {
            var response = try await next(request, context)
            for field in fields {
                response.headers[field.name] = field.value
            }
            return response
        } catch let error as any ProblemConvertible {
            throw WithRateLimitFields(underlying: error, problem: error.problem, headers: error.problemHeaders + fields)
        } catch let problem as ProblemDetails {
            throw WithRateLimitFields(underlying: problem, problem: problem, headers: fields)
        } catch var error as HTTPError {
            // Left to ProblemMiddleware, which answers 404 and 405 from the route catalog.
            error.headers.append(contentsOf: fields)
            throw error
        }
    }
}

/// A route's problem with the rate-limit fields added. It is thrown on rather than rendered here so
/// that ``ProblemMiddleware`` stays the one place that renders and logs failures.
private struct WithRateLimitFields: ProblemConvertible, CustomStringConvertible {
    var underlying: any Error
    var problem: ProblemDetails
    var problemHeaders: HTTPFields

    init(underlying: any Error, problem: ProblemDetails, headers: HTTPFields) {
        self.underlying = underlying
        self.problem = problem
        self.problemHeaders = headers
    }

    var description: String { String(describing: self.underlying) }
}
