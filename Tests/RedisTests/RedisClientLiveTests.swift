import Redis
import SwitchboardTestSupport
import Testing

/// The client against a real redis-server of each test's own.
@Suite(.timeLimit(.minutes(1)))
struct RedisClientLiveTests {
    @Test func sendReturnsRepliesAndThrowsErrorReplies() async throws {
        try await withRedisServer { server async throws in
            try await withRedisClient(try configuration(for: server)) { client, _ async throws in
                #expect(try await client.send(RedisCommand("SET", "greeting", "hello")) == .status("OK"))
                #expect(try await client.send(RedisCommand("GET", "greeting")).string == "hello")
                #expect(try await client.send(RedisCommand("GET", "missing")) == .null)
                #expect(try await client.send(RedisCommand("INCR", "n")).integer == 1)
                let error = await #expect(throws: RedisError.self) {
                    try await client.send(RedisCommand("INCR", "greeting"))
                }
                #expect(error?.kind == .reply)
                #expect(error?.isUnavailable == false)
                #expect(error?.replyMessage?.hasPrefix("ERR value is not an integer") == true)
                #expect(client.connectedSince != nil)
            }
        }
    }

    @Test func aThousandCommandPipelineIsOneWriteWithRepliesInOrder() async throws {
        try await withRedisServer { server async throws in
            let metrics = CounterTotals()
            try await withRedisClient(try configuration(for: server), metrics: metrics) { client, _ async throws in
                try await server.resetStats()
                let writesBefore = metrics["switchboard_redis_writes_total"]
                let commandsBefore = metrics["switchboard_redis_commands_total"]
                let commands = (0..<1000).map { _ in RedisCommand("INCR", "counter") }
                let replies = try await client.pipeline(commands)
                #expect(replies == (1...1000).map { RESPValue.integer(Int64($0)) })
                #expect(metrics["switchboard_redis_writes_total"] - writesBefore == 1)
                #expect(metrics["switchboard_redis_commands_total"] - commandsBefore == 1000)
                #expect(try await server.commandStats()["incr"] == 1000)
            }
        }
    }

    @Test func errorRepliesInAPipelineAreValuesNotThrows() async throws {
        try await withRedisServer { server async throws in
            try await withRedisClient(try configuration(for: server)) { client, _ async throws in
                let replies = try await client.pipeline([
                    RedisCommand("SET", "text", "abc"), RedisCommand("INCR", "text"), RedisCommand("GET", "text"),
                    RedisCommand(bytes: [Array("RPUSH".utf8), Array("list".utf8), [0, 255]]),
                    RedisCommand("LRANGE", "list", "0", "-1"),
                ])
                #expect(replies.count == 5)
                #expect(replies[0] == .status("OK"))
                guard case .error(let text) = replies[1] else {
                    Issue.record("INCR on text is an error reply, got \(replies[1])")
                    return
                }
                #expect(text.hasPrefix("ERR"))
                #expect(replies[2].string == "abc")
                #expect(replies[3] == .integer(1))
                #expect(replies[4] == .array([.bulk([0, 255])]))
                #expect(try await client.pipeline([]) == [])
            }
        }
    }

    @Test func manyConcurrentCallersShareThePool() async throws {
        try await withRedisServer { server async throws in
            try await withRedisClient(try configuration(for: server)) { client, _ async throws in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<200 {
                        group.addTask { _ = try await client.send(RedisCommand("INCR", "shared")) }
                    }
                    try await group.waitForAll()
                }
                #expect(try await client.send(RedisCommand("GET", "shared")).string == "200")
            }
        }
    }

    @Test func commandsThatWouldChangeAPooledConnectionAreRefused() async throws {
        try await withRedisServer { server async throws in
            try await withRedisClient(try configuration(for: server)) { client, _ async throws in
                for command in [RedisCommand("SUBSCRIBE", "x"), RedisCommand("SELECT", "1"), RedisCommand([String]())] {
                    let error = await #expect(throws: RedisError.self) { try await client.send(command) }
                    #expect(error?.kind == .invalidCommand)
                }
                await #expect(throws: RedisError.invalidCommand) {
                    try await client.pipeline([RedisCommand("PING"), RedisCommand("MONITOR")])
                }
                // The refused commands were never sent: the connections still answer in step.
                #expect(try await client.send(RedisCommand("ECHO", "still")).string == "still")
            }
        }
    }

    @Test func aPasswordFromTheURLAuthenticates() async throws {
        try await withRedisServer(password: "pässwörd") { server async throws in
            let configuration = try configuration(for: server)
            #expect(configuration.password == "pässwörd")
            try await withRedisClient(configuration) { client, _ async throws in
                #expect(try await client.send(RedisCommand("PING")) == .status("PONG"))
            }
        }
    }

    @Test func aUserAndPasswordAuthenticateAsThatACLUser() async throws {
        try await withRedisServer(password: "admin-secret") { server async throws in
            try await withRedisClient(try configuration(for: server)) { admin, _ async throws in
                let created = try await admin.send(
                    RedisCommand("ACL", "SETUSER", "app", "on", ">app-secret", "~*", "+@all"))
                #expect(created == .status("OK"))
            }
            let url = "redis://app:app-secret@127.0.0.1:\(server.port)/0"
            try await withRedisClient(try RedisConfiguration(url: url)) { client, _ async throws in
                #expect(try await client.send(RedisCommand("ACL", "WHOAMI")).string == "app")
            }
        }
    }

    @Test(arguments: [(nil, "NOAUTH"), ("wrong-password", "WRONGPASS")])
    func aMissingOrWrongPasswordFailsFastAndSaysWhy(_ password: String?, _ reason: String) async throws {
        try await withRedisServer(password: "right-password") { server async throws in
            let configuration = try configuration(for: server) { $0.password = password }
            try await withRedisClient(configuration, waitForConnection: false) { client, _ async throws in
                var last: RedisError?
                try await eventually("the refusal is reported") {
                    let (error, elapsed) = await timedSend(client)
                    #expect(elapsed < failsFast)
                    last = error
                    return error?.description.contains(reason) == true
                }
                #expect(last?.kind == .unavailable)
                #expect(last?.description.contains("right-password") == false)
                #expect(last?.description.contains("wrong-password") == false)
                #expect(client.connectedSince == nil)
            }
        }
    }

    @Test func theDatabaseFromTheURLIsSelectedAndIsolated() async throws {
        try await withRedisServer { server async throws in
            let database5 = try RedisConfiguration(url: "redis://127.0.0.1:\(server.port)/5")
            #expect(database5.database == 5)
            try await withRedisClient(database5) { client, _ async throws in
                _ = try await client.send(RedisCommand("SET", "where", "five"))
                #expect(try await client.send(RedisCommand("GET", "where")).string == "five")
            }
            try await withRedisClient(try configuration(for: server)) { client, _ async throws in
                #expect(try await client.send(RedisCommand("GET", "where")) == .null)
                _ = try await client.send(RedisCommand("SET", "where", "zero"))
            }
            try await withRedisClient(database5) { client, _ async throws in
                #expect(try await client.send(RedisCommand("GET", "where")).string == "five")
                #expect(try await client.send(RedisCommand("DBSIZE")) == .integer(1))
            }
        }
    }

    @Test func aClientThatIsNotRunningFailsFastAsUnavailable() async throws {
        try await withRedisServer { server async throws in
            let client = RedisClient(configuration: try configuration(for: server), logger: testLogger())
            let (error, elapsed) = await timedSend(client)
            #expect(error?.kind == .unavailable)
            #expect(elapsed < failsFast)
            #expect(client.connectedSince == nil)
        }
    }
}
