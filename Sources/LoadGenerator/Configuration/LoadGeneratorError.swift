/// Why a load run could not run at all. Problems during a run (a call that failed to connect, a
/// server that closed a call) are counted in the ``LoadReport`` instead.
public struct LoadGeneratorError: Error, CustomStringConvertible, Sendable {
    private enum Code: Sendable {
        case invalidOption(option: String, reason: String)
        case unresolvable(host: String, reason: String)
        case noCallConnected(firstError: String)
        case io(String)
    }

    private let code: Code

    private init(_ code: Code) {
        self.code = code
    }

    /// An option out of its range, or a target that is not loopback.
    public static func invalidOption(_ option: String, _ reason: String) -> Self {
        Self(.invalidOption(option: option, reason: reason))
    }

    static func unresolvable(_ host: String, _ reason: String) -> Self {
        Self(.unresolvable(host: host, reason: reason))
    }

    /// Every call failed: the server is not there, or refuses the endpoint.
    static func noCallConnected(_ firstError: String) -> Self {
        Self(.noCallConnected(firstError: firstError))
    }

    static func io(_ message: String) -> Self {
        Self(.io(message))
    }

    public var description: String {
        switch self.code {
        case .invalidOption(let option, let reason): "\(option): \(reason)"
        case .unresolvable(let host, let reason): "cannot resolve \(host): \(reason)"
        case .noCallConnected(let firstError): "no call connected: \(firstError)"
        case .io(let message): message
        }
    }
}
