import Core
public import HTTPTypes
import Synchronization

/// Every HTTP route's method and path template, as registered. Hummingbird's router answers 404
/// when a path exists under another method; the catalog lets ``ProblemMiddleware`` answer 405 with
/// `Allow`, as RFC 9110 requires.
public final class RouteCatalog: Sendable {
    private let entries = Mutex<[(method: HTTPRequest.Method, template: PathTemplate)]>([])

    public init() {}

    public func register(_ method: HTTPRequest.Method, _ template: String) {
        self.entries.withLock { $0.append((method, PathTemplate(template))) }
    }

    /// Every registered route, in registration order, as `(method, template)`.
    public var routes: [(method: HTTPRequest.Method, template: String)] {
        self.entries.withLock { $0.map { ($0.method, $0.template.description) } }
    }

    /// The methods some route serves `path` with, sorted; empty when no route has that path.
    public func allowedMethods(for path: String) -> [HTTPRequest.Method] {
        let methods = self.entries.withLock { routes in
            routes.filter { $0.template.match(path) != nil }.map(\.method)
        }
        return Array(Set(methods)).sorted { $0.rawValue < $1.rawValue }
    }
}
