public import Core
public import HTTPTypes

extension SessionStoreError: ProblemConvertible {
    public var problem: ProblemDetails {
        ProblemDetails(
            status: 503, title: "Service Unavailable", detail: "the session store is unavailable; retry shortly")
    }

    public var problemHeaders: HTTPFields { [.retryAfter: "1"] }
}
