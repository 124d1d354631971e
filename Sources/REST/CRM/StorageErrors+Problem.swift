public import Core
public import HTTPTypes
public import Storage

extension CRMError: ProblemConvertible {
    public var problem: ProblemDetails {
        switch self {
        case .notFound(let resource, let id):
            ProblemDetails(status: 404, title: "Not Found", detail: "no \(resource) has the id \(id)")
        case .versionMismatch(let current):
            ProblemDetails(
                status: 412, title: "Precondition Failed",
                detail: "the resource changed: its version is now \(current); GET it again and retry with that ETag")
        case .conflict(let field, let detail):
            ProblemDetails(
                status: 409, title: "Conflict", detail: "\(field): \(detail)",
                errors: [.init(field: field, detail: detail)])
        case .invalid(let field, let detail):
            ProblemDetails(
                status: 422, title: "Unprocessable Content", detail: "\(field): \(detail)",
                errors: [.init(field: field, detail: detail)])
        }
    }

    public var problemHeaders: HTTPFields {
        guard case .versionMismatch(let current) = self else { return [:] }
        return [.eTag: "\"\(current)\""]
    }
}

extension SQLError: ProblemConvertible {
    public var problem: ProblemDetails {
        switch self.kind {
        case .unavailable:
            ProblemDetails(
                status: 503, title: "Service Unavailable", detail: "the database is unavailable; retry shortly")
        case .overloaded:
            ProblemDetails(
                status: 503, title: "Service Unavailable", detail: "the database is overloaded; retry shortly")
        case .conflict:
            ProblemDetails(
                status: 503, title: "Service Unavailable", detail: "the change collided with another; retry it")
        case .uniqueViolation, .constraintViolation:
            ProblemDetails(status: 409, title: "Conflict", detail: "the change conflicts with existing data")
        case .query:
            ProblemDetails(
                status: 500, title: "Internal Server Error", detail: "the server failed to handle this request")
        }
    }

    public var problemHeaders: HTTPFields {
        switch self.kind {
        case .unavailable, .overloaded, .conflict: [.retryAfter: "1"]
        default: [:]
        }
    }
}
