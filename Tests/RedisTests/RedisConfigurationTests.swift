import Redis
import Testing

@Suite("RedisConfiguration")
struct RedisConfigurationTests {
    @Test func theDefaults() {
        let configuration = RedisConfiguration()
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 6379)
        #expect(configuration.username == nil && configuration.password == nil)
        #expect(configuration.database == 0)
        #expect(configuration.connectTimeout == .seconds(1) && configuration.commandTimeout == .seconds(1))
        #expect(configuration.poolSize == 2)
        #expect(configuration.reconnectInitialDelay == .milliseconds(50))
        #expect(configuration.reconnectMaximumDelay == .seconds(2))
    }

    @Test func aHostAloneKeepsTheDefaultPortAndDatabase() throws {
        let configuration = try RedisConfiguration(url: "redis://cache.internal")
        #expect(configuration.host == "cache.internal")
        #expect(configuration.port == 6379)
        #expect(configuration.database == 0)
        #expect(configuration.password == nil)
        #expect(try RedisConfiguration(url: "redis://cache.internal/").database == 0)
    }

    @Test func aPasswordPortAndDatabase() throws {
        let configuration = try RedisConfiguration(url: "redis://:s3cret@10.0.0.5:6380/3")
        #expect(configuration.host == "10.0.0.5")
        #expect(configuration.port == 6380)
        #expect(configuration.username == nil)
        #expect(configuration.password == "s3cret")
        #expect(configuration.database == 3)
    }

    @Test func aUserAndPassword() throws {
        let configuration = try RedisConfiguration(url: "REDIS://app:pa:ss@localhost:7000")
        #expect(configuration.username == "app")
        #expect(configuration.password == "pa:ss")
        #expect(configuration.host == "localhost")
        #expect(configuration.port == 7000)
    }

    @Test func escapedAndUnescapedSpecialCharactersInThePassword() throws {
        #expect(try RedisConfiguration(url: "redis://:a%40b%2Fc%25@h").password == "a@b/c%")
        #expect(try RedisConfiguration(url: "redis://:a@b/c@h:1/2").password == "a@b/c")
        #expect(try RedisConfiguration(url: "redis://:a@b/c@h:1/2").database == 2)
    }

    @Test func anIPv6HostInBrackets() throws {
        let configuration = try RedisConfiguration(url: "redis://[::1]:6390/1")
        #expect(configuration.host == "::1")
        #expect(configuration.port == 6390)
        #expect(configuration.database == 1)
    }

    @Test(arguments: [
        ("rediss://:pw@host:6380", "TLS"),
        ("http://host", "redis://"),
        ("host:6379", "redis://"),
        ("redis://", "host"),
        ("redis://:pw@", "host"),
        ("redis://host:0", "port"),
        ("redis://host:65536", "port"),
        ("redis://host:abc", "port"),
        ("redis://host:", "port"),
        ("redis://host/db1", "database"),
        ("redis://host/-1", "database"),
        ("redis://host/1/2", "database"),
        ("redis://host?db=1", "query"),
        ("redis://user@host", "no password"),
        ("redis://:p%zz@host", "escape"),
        ("redis://[::1", "["),
    ])
    func aBadURLSaysWhatIsWrong(_ url: String, _ mentioned: String) {
        let error = #expect(throws: RedisConfigurationError.self) { try RedisConfiguration(url: url) }
        #expect(error?.description.contains(mentioned) == true, "\(error.map(String.init(describing:)) ?? "")")
    }

    @Test func errorsAndDescriptionsNeverShowThePassword() throws {
        for url in ["redis://:hunter2@host:99999", "redis://u:hunter2@host/x", "rediss://:hunter2@host"] {
            let error = #expect(throws: RedisConfigurationError.self) { try RedisConfiguration(url: url) }
            #expect(error?.description.contains("hunter2") == false)
        }
        let configuration = try RedisConfiguration(url: "redis://u:hunter2@host:1/2")
        #expect(String(describing: configuration) == "redis://u:***@host:1/2")
    }
}
