public import Core
public import HTTPTypes

/// An error that knows its HTTP answer. ``ProblemMiddleware`` turns any of them into a problem
/// response, so a route just throws.
public protocol ProblemConvertible: Error {
    var problem: ProblemDetails { get }
    /// Headers the answer needs (`Retry-After`, `ETag`).
    var problemHeaders: HTTPFields { get }
}

extension ProblemConvertible {
    public var problemHeaders: HTTPFields { [:] }
}
