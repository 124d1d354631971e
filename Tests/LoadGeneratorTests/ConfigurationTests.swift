import NIOCore
import Testing

@testable import LoadGenerator

/// Options are checked before anything is sent, and only loopback is a target.
@Suite struct ConfigurationTests {
    @Test(arguments: ["127.0.0.1", "127.1.2.3", "127.255.255.255", "localhost", "LOCALHOST", "::1", "[::1]"])
    func loopbackIsAllowed(_ host: String) {
        #expect(LoopbackAddress.isLoopback(host))
    }

    @Test(arguments: [
        "10.0.0.1", "192.168.1.1", "172.16.0.1", "8.8.8.8", "0.0.0.0", "128.0.0.1", "127.0.0", "127.0.0.1.5",
        "127.0.0.256", "0127.0.0.1", "127.0.0.01", "example.com", "localhost.example.com", "::", "::2", "",
        "127.0.0.1 ",
    ])
    func everythingElseIsRefused(_ host: String) {
        #expect(!LoopbackAddress.isLoopback(host))
        var configuration = LoadGeneratorConfiguration()
        configuration.host = host
        #expect(throws: LoadGeneratorError.self) { try configuration.validate() }
    }

    @Test func defaultsAreValidAndMatchTheBrief() throws {
        let configuration = LoadGeneratorConfiguration()
        try configuration.validate()
        #expect(configuration.port == 8080)
        #expect(configuration.path == "/v1/media")
        #expect(configuration.calls == 100)
        #expect(configuration.framesPerCall == 1500)
        #expect(configuration.payloadBytes == 160)
    }

    @Test func limitsAreEnforced() {
        let broken: [(inout LoadGeneratorConfiguration) -> Void] = [
            { $0.calls = 0 }, { $0.durationSeconds = 0 }, { $0.frameMilliseconds = 0 }, { $0.payloadBytes = 5 },
            { $0.stallCalls = 101 }, { $0.threads = 0 }, { $0.port = 0 }, { $0.path = "v1/media" }, { $0.app = "" },
            { $0.durationSeconds = 0.01 },
        ]
        for (position, breakIt) in broken.enumerated() {
            var configuration = LoadGeneratorConfiguration()
            breakIt(&configuration)
            #expect(throws: LoadGeneratorError.self, "case \(position)") { try configuration.validate() }
        }
    }

    @Test func errorsAreOneLine() {
        var configuration = LoadGeneratorConfiguration()
        configuration.host = "10.1.2.3"
        do {
            try configuration.validate()
            Issue.record("accepted")
        } catch {
            #expect(error.description == "--host: 10.1.2.3 is not a loopback address (127.0.0.0/8, localhost or ::1)")
        }
    }

    @Test func resolvedAddressMustBeLoopbackToo() throws {
        var configuration = LoadGeneratorConfiguration()
        configuration.host = "localhost"
        let address = try LoadGenerator.resolve(configuration)
        #expect(LoopbackAddress.isLoopback(address.ipAddress ?? ""))
    }

    @Test func slowConsumersAreSpreadOverTheCalls() {
        let stalled = (0..<100).filter { LoopDriver.isSlowConsumer($0, of: 100, stalling: 10) }
        #expect(stalled.count == 10)
        #expect(stalled.first! >= 5 && stalled.last! >= 90)
        #expect((0..<7).filter { LoopDriver.isSlowConsumer($0, of: 7, stalling: 7) }.count == 7)
        #expect((0..<7).allSatisfy { !LoopDriver.isSlowConsumer($0, of: 7, stalling: 0) })
    }
}
