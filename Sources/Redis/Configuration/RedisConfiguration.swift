/// Where Redis is and how the client treats it. The defaults suit a Redis on the same host or
/// network: a dead or frozen server costs a caller at most ``commandTimeout``.
public struct RedisConfiguration: Sendable {
    public var host: String = "127.0.0.1"
    public var port: Int = 6379
    /// The ACL user for `AUTH`; `nil` authenticates as the default user (when ``password`` is set).
    public var username: String?
    /// Sent with `AUTH` on every new connection; `nil` sends no `AUTH`.
    public var password: String?
    /// Selected with `SELECT` on every new connection when not 0.
    public var database: Int = 0
    /// How long the TCP connect may take.
    public var connectTimeout: Duration = .seconds(1)
    /// How long any command, the connection's own `AUTH`/`SELECT`/`PING` included, may wait for its
    /// reply. A command that runs over fails with ``RedisError/Kind/timeout`` and its connection is
    /// closed and re-established, since replies on it can no longer be matched to commands.
    public var commandTimeout: Duration = .seconds(1)
    /// Connections for commands; the pub/sub connection is one more, opened on the first subscription.
    public var poolSize: Int = 2
    /// The first wait before reconnecting; each failed attempt doubles it, up to ``reconnectMaximumDelay``.
    /// Each wait is drawn at random from its upper half, so that many clients do not retry in step.
    public var reconnectInitialDelay: Duration = .milliseconds(50)
    public var reconnectMaximumDelay: Duration = .seconds(2)
    /// Commands waiting for replies on one connection; more fail at once with ``RedisError/Kind/overloaded``.
    public var maxInFlightCommands: Int = 65_536
    /// How often the pub/sub connection, which otherwise only listens, checks with `PING` that Redis
    /// still answers (a frozen or half-open connection is then replaced within this plus ``commandTimeout``).
    public var pubSubPingInterval: Duration = .seconds(5)

    /// Redis on 127.0.0.1:6379, database 0, no password.
    public init() {}

    /// Parses `redis://[[user]:password@]host[:port][/db]`. The user and password may be %-escaped
    /// (needed for `@`, `:` or `/` in them); an IPv6 host goes in brackets. `rediss://` is refused:
    /// this client has no TLS.
    public init(url: String) throws(RedisConfigurationError) {
        self.init()
        guard let colon = url.firstIndex(of: ":"), url[colon...].hasPrefix("://") else { throw .scheme("") }
        let scheme = url[..<colon].lowercased()
        if scheme == "rediss" { throw .tls }
        guard scheme == "redis" else { throw .scheme(scheme) }
        var rest = url[url.index(colon, offsetBy: 3)...]
        if rest.contains("?") || rest.contains("#") { throw .unsupportedPart }
        // The last `@` ends the credentials, so an unescaped `@` or `/` in a password still parses.
        if let at = rest.lastIndex(of: "@") {
            try self.parseCredentials(rest[..<at])
            rest = rest[rest.index(after: at)...]
        }
        let authority = rest.prefix { $0 != "/" }
        try self.parseHostAndPort(authority)
        let path = rest[authority.endIndex...].dropFirst()
        if !path.isEmpty {
            guard path.allSatisfy({ $0.isASCIIDigit }), let database = Int32(path) else {
                throw .database(String(path))
            }
            self.database = Int(database)
        }
    }

    private mutating func parseCredentials(_ userInfo: Substring) throws(RedisConfigurationError) {
        guard let colon = userInfo.firstIndex(of: ":") else {
            if userInfo.isEmpty { return }
            throw .userWithoutPassword
        }
        let user = try Self.percentDecoded(userInfo[..<colon])
        self.username = user.isEmpty ? nil : user
        self.password = try Self.percentDecoded(userInfo[userInfo.index(after: colon)...])
    }

    private mutating func parseHostAndPort(_ authority: Substring) throws(RedisConfigurationError) {
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .host("has an unclosed [") }
            self.host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw .host("has text after ]") }
                portText = after.dropFirst()
            }
        } else if let colon = authority.firstIndex(of: ":") {
            self.host = String(authority[..<colon])
            portText = authority[authority.index(after: colon)...]
        } else {
            self.host = String(authority)
        }
        guard !self.host.isEmpty else { throw .host("is missing") }
        if let portText {
            guard portText.allSatisfy({ $0.isASCIIDigit }), let port = Int(portText), (1...65_535).contains(port) else {
                throw .port(String(portText))
            }
            self.port = port
        }
    }

    private static func percentDecoded(_ text: Substring) throws(RedisConfigurationError) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(Self.hexValue), let low = iterator.next().flatMap(Self.hexValue)
            else { throw .badEscape }
            bytes.append(high << 4 | low)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

extension RedisConfiguration: CustomStringConvertible {
    /// The URL form, with the password masked.
    public var description: String {
        var credentials = ""
        if self.password != nil { credentials = "\(self.username ?? ""):***@" }
        let host = self.host.contains(":") ? "[\(self.host)]" : self.host
        return "redis://\(credentials)\(host):\(self.port)/\(self.database)"
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { self.isASCII && self.isNumber }
}
