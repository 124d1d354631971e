/// A Redis URL that cannot be used. The description says which part is wrong and never repeats the
/// password.
public struct RedisConfigurationError: Error, CustomStringConvertible, Sendable, Hashable {
    private enum Code: Sendable, Hashable {
        case scheme, tls, credentials, host, port, database, unsupportedPart
    }

    private let code: Code
    public let description: String

    private init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }

    static func scheme(_ scheme: String) -> RedisConfigurationError {
        RedisConfigurationError(
            .scheme, "a Redis URL starts with redis:// (got \(scheme.isEmpty ? "no scheme" : "\(scheme)://"))")
    }

    static let tls = RedisConfigurationError(
        .tls, "rediss:// (Redis over TLS) is not supported: use redis:// on a trusted network or a local TLS proxy")

    static let userWithoutPassword = RedisConfigurationError(
        .credentials, "the Redis URL names a user but no password: use redis://user:password@host")

    static let badEscape = RedisConfigurationError(
        .credentials, "the user or password in the Redis URL has a malformed %-escape")

    static func host(_ reason: String) -> RedisConfigurationError {
        RedisConfigurationError(.host, "the Redis URL's host \(reason)")
    }

    static func port(_ text: String) -> RedisConfigurationError {
        RedisConfigurationError(.port, "the Redis URL's port must be a number from 1 to 65535 (got \"\(text)\")")
    }

    static func database(_ text: String) -> RedisConfigurationError {
        RedisConfigurationError(
            .database, "the Redis URL's path must be a database number from 0 to 2147483647 (got \"/\(text)\")")
    }

    static let unsupportedPart = RedisConfigurationError(
        .unsupportedPart, "the Redis URL may not have a query (?...) or fragment (#...)")
}
