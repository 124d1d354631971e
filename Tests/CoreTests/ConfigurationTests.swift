import Logging
import Testing

@testable import Core

private func configuration(
    _ environment: [String: String],
    flags: [String: String] = [:]
) throws(ConfigurationError) -> SwitchboardConfiguration {
    try SwitchboardConfiguration(from: ConfigurationSource(environment: environment, flags: flags))
}

/// The error `environment` produces, or `nil` (recorded as an issue) when it parses.
private func configurationError(
    _ environment: [String: String],
    sourceLocation: SourceLocation = #_sourceLocation
) -> ConfigurationError? {
    do throws(ConfigurationError) {
        let parsed = try configuration(environment)
        Issue.record("expected a ConfigurationError, got \(parsed)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

@Suite("Configuration")
struct ConfigurationTests {
    @Test func anEmptyEnvironmentGivesTheDefaults() throws {
        let parsed = try configuration([:])
        #expect(parsed.host == "127.0.0.1")
        #expect(parsed.port == 8080)
        #expect(parsed.publicURL == nil)
        #expect(parsed.dataDirectory == "./data")
        #expect(parsed.logLevel == .info)
        #expect(parsed.logFormat == .text)
        #expect(parsed.drainTimeout == .seconds(10))
        #expect(parsed.allowedOrigins == [])
        #expect(parsed.handshakeTimeout == .seconds(10))
        #expect(parsed.httpIdleTimeout == .seconds(60))
        #expect(parsed.webSocketMaxConnections == 10_000)
        #expect(parsed.webSocketPingInterval == .seconds(20))
        #expect(parsed.webSocketPongTimeout == .seconds(10))
        #expect(parsed.webSocketIdleTimeout == .seconds(300))
        #expect(parsed.webSocketCloseTimeout == .seconds(5))
    }

    @Test func everyVariableIsParsed() throws {
        let parsed = try configuration([
            "HOST": "0.0.0.0",
            "PORT": " 9090 ",
            "PUBLIC_URL": "https://switchboard.example.com/",
            "DATA_DIR": "/var/lib/switchboard",
            "LOG_LEVEL": "DEBUG",
            "LOG_FORMAT": "json",
            "DRAIN_TIMEOUT": "2.5",
            "ALLOWED_ORIGINS": "https://Console.Example.com/, http://localhost:3000,,",
            "HANDSHAKE_TIMEOUT": "0.1",
            "HTTP_IDLE_TIMEOUT": "90",
            "WS_MAX_CONNECTIONS": "500",
            "WS_PING_INTERVAL": "15",
            "WS_PONG_TIMEOUT": "4.25",
            "WS_IDLE_TIMEOUT": "3600",
            "WS_CLOSE_TIMEOUT": "1",
        ])
        #expect(parsed.host == "0.0.0.0")
        #expect(parsed.port == 9090)
        #expect(parsed.publicURL == "https://switchboard.example.com")
        #expect(parsed.dataDirectory == "/var/lib/switchboard")
        #expect(parsed.logLevel == .debug)
        #expect(parsed.logFormat == .json)
        #expect(parsed.drainTimeout == .milliseconds(2500))
        #expect(parsed.allowedOrigins == ["https://console.example.com", "http://localhost:3000"])
        #expect(parsed.handshakeTimeout == .milliseconds(100))
        #expect(parsed.httpIdleTimeout == .seconds(90))
        #expect(parsed.webSocketMaxConnections == 500)
        #expect(parsed.webSocketPingInterval == .seconds(15))
        #expect(parsed.webSocketPongTimeout == .milliseconds(4250))
        #expect(parsed.webSocketIdleTimeout == .seconds(3600))
        #expect(parsed.webSocketCloseTimeout == .seconds(1))
    }

    @Test(arguments: Logger.Level.allCases)
    func everyLogLevelIsAccepted(level: Logger.Level) throws {
        #expect(try configuration(["LOG_LEVEL": level.rawValue]).logLevel == level)
    }

    @Test func hostAcceptsNamesAndIPv6() throws {
        #expect(try configuration(["HOST": "::1"]).host == "::1")
        #expect(try configuration(["HOST": "switchboard-1.internal"]).host == "switchboard-1.internal")
    }

    @Test func publicURLAcceptsWebSocketSchemes() throws {
        #expect(
            try configuration(["PUBLIC_URL": "wss://edge.example.com:8443/base"]).publicURL
                == "wss://edge.example.com:8443/base")
        #expect(try configuration(["PUBLIC_URL": "http://localhost:8080"]).publicURL == "http://localhost:8080")
    }

    @Test func portZeroPicksAFreePort() throws {
        #expect(try configuration(["PORT": "0"]).port == 0)
        #expect(try configuration(["PORT": "65535"]).port == 65_535)
    }

    @Test func flagsWinOverTheEnvironment() throws {
        let parsed = try configuration(
            ["PORT": "8081", "LOG_LEVEL": "error", "HOST": "10.0.0.1"],
            flags: ["PORT": "9091", "LOG_LEVEL": "trace"]
        )
        #expect(parsed.port == 9091)
        #expect(parsed.logLevel == .trace)
        #expect(parsed.host == "10.0.0.1")
    }

    @Test func aFlagHidesABadEnvironmentValue() throws {
        #expect(try configuration(["PORT": "abc"], flags: ["PORT": "1234"]).port == 1234)
    }

    @Test func emptyEnvironmentVariablesCountAsUnset() throws {
        let everyVariableEmpty = Dictionary(uniqueKeysWithValues: SwitchboardConfiguration.variables.map { ($0, "") })
        let parsed = try configuration(everyVariableEmpty)
        let defaults = SwitchboardConfiguration()
        #expect(parsed.host == defaults.host)
        #expect(parsed.port == defaults.port)
        #expect(parsed.publicURL == nil)
        #expect(parsed.dataDirectory == defaults.dataDirectory)
        #expect(parsed.logLevel == defaults.logLevel)
        #expect(parsed.drainTimeout == defaults.drainTimeout)
        #expect(parsed.allowedOrigins == [])
        #expect(parsed.webSocketCloseTimeout == defaults.webSocketCloseTimeout)
    }

    @Test func theVariableListNamesEverySetting() {
        #expect(SwitchboardConfiguration.variables.count == 32)
        #expect(Set(SwitchboardConfiguration.variables).count == 32)
    }

    struct BadValue: Sendable, CustomTestStringConvertible {
        var variable: String
        var value: String
        /// A fragment of what the message must say is allowed.
        var allowed: String

        var testDescription: String { "\(self.variable)=\(self.value)" }
    }

    static let badValues: [BadValue] = [
        BadValue(variable: "HOST", value: "bad host!", allowed: "an IP address or host name"),
        BadValue(variable: "PORT", value: "70000", allowed: "an integer from 0 to 65535"),
        BadValue(variable: "PORT", value: "-1", allowed: "an integer from 0 to 65535"),
        BadValue(variable: "PORT", value: "abc", allowed: "an integer from 0 to 65535"),
        BadValue(variable: "PORT", value: "80.5", allowed: "an integer from 0 to 65535"),
        BadValue(variable: "PUBLIC_URL", value: "notaurl", allowed: "absolute https://"),
        BadValue(variable: "PUBLIC_URL", value: "https://", allowed: "absolute https://"),
        BadValue(variable: "PUBLIC_URL", value: "ftp://files.example.com", allowed: "absolute https://"),
        BadValue(variable: "DATA_DIR", value: "   ", allowed: "a directory path"),
        BadValue(
            variable: "LOG_LEVEL", value: "loud", allowed: "one of critical, debug, error, info, notice, trace, warning"
        ),
        BadValue(variable: "LOG_FORMAT", value: "xml", allowed: "one of json, text"),
        BadValue(variable: "DRAIN_TIMEOUT", value: "-1", allowed: "a number of seconds from 0.1 to 600"),
        BadValue(variable: "DRAIN_TIMEOUT", value: "soon", allowed: "a number of seconds"),
        BadValue(variable: "DRAIN_TIMEOUT", value: "nan", allowed: "a number of seconds"),
        BadValue(variable: "DRAIN_TIMEOUT", value: "601", allowed: "a number of seconds"),
        BadValue(variable: "ALLOWED_ORIGINS", value: "ftp://x", allowed: "comma-separated list of origins"),
        BadValue(
            variable: "ALLOWED_ORIGINS", value: "https://ok.example.com,https://x.example.com/path", allowed: "origins"),
        BadValue(variable: "HANDSHAKE_TIMEOUT", value: "0", allowed: "a number of seconds from 0.1 to 300"),
        BadValue(variable: "HTTP_IDLE_TIMEOUT", value: "0.5", allowed: "a number of seconds from 1.0 to 3600"),
        BadValue(variable: "WS_MAX_CONNECTIONS", value: "0", allowed: "an integer from 1 to 1000000"),
        BadValue(variable: "WS_PING_INTERVAL", value: "0", allowed: "a number of seconds"),
        BadValue(variable: "WS_PONG_TIMEOUT", value: "601", allowed: "a number of seconds"),
        BadValue(variable: "WS_IDLE_TIMEOUT", value: "0.9", allowed: "a number of seconds"),
        BadValue(variable: "WS_CLOSE_TIMEOUT", value: "61", allowed: "a number of seconds"),
    ]

    @Test(arguments: badValues)
    func aBadValueThrowsOneLineNamingTheVariable(bad: BadValue) throws {
        let error = try #require(configurationError([bad.variable: bad.value]))
        #expect(error.variable == bad.variable)
        #expect(error.value == bad.value)
        #expect(error.description.hasPrefix("invalid \(bad.variable)="))
        #expect(error.description.contains(bad.allowed))
        #expect(!error.description.contains("\n"))
    }

    @Test func theErrorLineHasAFixedShape() throws {
        let error = try #require(configurationError(["PORT": "70000"]))
        #expect(error.description == "invalid PORT='70000': expected an integer from 0 to 65535")
        let secret = ConfigurationError(variable: "API_TOKEN", value: nil, expected: "a token")
        #expect(secret.description == "invalid API_TOKEN: expected a token")
    }

    /// The message is documented as the one line printed before exit, so a value carrying a line
    /// break must not split it.
    @Test func aValueWithALineBreakStillGivesOneLine() throws {
        let error = try #require(configurationError(["PORT": "80\n80\u{1B}"]))
        #expect(!error.description.contains("\n"))
        #expect(!error.description.unicodeScalars.contains { $0.value < 0x20 })
        #expect(error.description.hasPrefix("invalid PORT"))
        #expect(error.value == "80\n80\u{1B}")
    }
}
