import Core
import Hummingbird

/// Conditional requests on versioned resources (RFC 9110 section 13). A resource's `ETag` is its
/// version in quotes; weak tags never match `If-Match`, as the strong comparison requires.
enum Preconditions {
    /// What `If-Match` asks for.
    enum Expectation: Equatable {
        /// `*`: any current version.
        case any
        /// One of these versions.
        case versions([Int64])
    }

    /// `If-Match`, or `nil` when absent.
    static func ifMatch(_ request: Request) throws -> Expectation? {
        guard let raw = request.headers[.ifMatch] else { return nil }
        return try self.parse(raw, header: "If-Match", allowWeak: false)
    }

    /// `If-Match` a `PATCH` must carry: without it, 428.
    static func requiredIfMatch(_ request: Request) throws -> Expectation {
        guard let expectation = try self.ifMatch(request) else {
            throw ProblemDetails(
                status: 428, title: "Precondition Required",
                detail: "send If-Match with the ETag from your last GET, so concurrent edits are not lost")
        }
        return expectation
    }

    /// The version to check for, given the current one: `nil` for `*`, the current version when it
    /// is one of those asked for, else the first asked (which then fails as stale).
    static func expectedVersion(_ expectation: Expectation?, current: Int64? = nil) -> Int64? {
        switch expectation {
        case .none, .any: return nil
        case .versions(let versions):
            if let current, versions.contains(current) { return current }
            return versions.first ?? -1
        }
    }

    /// Whether `If-None-Match` on a GET matches the current version (answer 304).
    static func ifNoneMatchHits(_ request: Request, version: Int64) -> Bool {
        guard let raw = request.headers[.ifNoneMatch],
            let expectation = try? self.parse(raw, header: "If-None-Match", allowWeak: true)
        else { return false }
        switch expectation {
        case .any: return true
        case .versions(let versions): return versions.contains(version)
        }
    }

    private static func parse(_ raw: String, header: String, allowWeak: Bool) throws -> Expectation {
        let trimmed = raw.trimmingSpaces()
        if trimmed == "*" { return .any }
        var versions: [Int64] = []
        for part in trimmed.split(separator: ",") {
            var tag = String(part).trimmingSpaces()
            let weak = tag.hasPrefix("W/")
            if weak { tag.removeFirst(2) }
            guard tag.count >= 2, tag.hasPrefix("\""), tag.hasSuffix("\"") else {
                throw ProblemDetails(
                    status: 400, title: "Bad Request",
                    detail: "\(header) must be an entity tag such as \"3\" (with the quotes), or *")
            }
            // A tag this server never made cannot match; keep it as an impossible version.
            let version = Int64(tag.dropFirst().dropLast()) ?? -1
            if !weak || allowWeak { versions.append(version) }
        }
        return .versions(versions)
    }
}
