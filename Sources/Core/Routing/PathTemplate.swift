/// A route path made of literal segments and `{name}` parameters, e.g. `/v1/calls/{sid}/listen`.
/// Both the WebSocket routes and the HTTP route catalog match paths with it.
public struct PathTemplate: Sendable, Hashable, CustomStringConvertible {
    enum Segment: Sendable, Hashable {
        case literal(Substring)
        case parameter(String)
    }

    public let description: String
    private let segments: [Segment]

    public init(_ template: String) {
        self.description = template
        self.segments = template.split(separator: "/").map { part in
            part.hasPrefix("{") && part.hasSuffix("}")
                ? .parameter(String(part.dropFirst().dropLast())) : .literal(part)
        }
    }

    /// The parameter values when `path` (no query string) matches, else `nil`. A trailing slash is a
    /// different path, as it is for Hummingbird's router.
    public func match(_ path: String) -> [String: String]? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        guard parts.count == self.segments.count else { return nil }
        var parameters: [String: String] = [:]
        for (segment, part) in zip(self.segments, parts) {
            switch segment {
            case .literal(let literal):
                guard literal == part else { return nil }
            case .parameter(let name):
                guard !part.isEmpty else { return nil }
                parameters[name] = String(part)
            }
        }
        return parameters
    }
}
