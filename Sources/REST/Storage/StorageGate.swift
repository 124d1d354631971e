import Core
import Hummingbird
import Synchronization

/// Whether the schema is up to date. Until it is, CRM routes answer 503 instead of failing on
/// missing tables; `/ready` says why.
final class StorageGate: Sendable {
    private let migrated = Atomic<Bool>(false)

    var isOpen: Bool { self.migrated.load(ordering: .acquiring) }

    func open() { self.migrated.store(true, ordering: .releasing) }
}

/// Answers 503 on `/v1` routes while the database is not migrated.
struct StorageGateMiddleware<Context: RequestContext>: RouterMiddleware {
    let gate: StorageGate

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard self.gate.isOpen || !request.uri.path.hasPrefix("/v1/") else {
            return ProblemDetails(
                status: 503, title: "Service Unavailable",
                detail: "the database is not reachable or not migrated yet; retry shortly"
            ).response(headers: [.retryAfter: "1"])
        }
        return try await next(request, context)
    }
}
