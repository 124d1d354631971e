import NIOCore
import NIOEmbedded
import Synchronization
import Testing

@testable import Redis

/// The handler on an `EmbeddedChannel`: bytes out, bytes in, and virtual time for the timeouts.
private final class HandlerHarness {
    let channel: EmbeddedChannel
    let received = Received()

    final class Received: Sendable {
        let messages = Mutex<[RedisMessage]>([])
    }

    init(isPubSub: Bool = false, maxInFlight: Int = 100) throws {
        self.channel = EmbeddedChannel()
        let received = self.received
        let handler = RedisConnectionHandler(
            configuration: .init(commandTimeout: .seconds(1), maxInFlight: maxInFlight, isPubSub: isPubSub),
            onMessage: { message in received.messages.withLock { $0.append(message) } })
        try self.channel.pipeline.syncOperations.addHandler(handler)
        try self.channel.connect(to: .init(ipAddress: "127.0.0.1", port: 6379)).wait()
    }

    /// Writes `commands` as one request and returns its future and the bytes that went out.
    func send(_ commands: [RedisCommand], expecting replies: Int? = nil) throws -> (
        EventLoopFuture<[RESPValue]>, String
    ) {
        var bytes = ByteBuffer()
        for command in commands { command.encode(into: &bytes) }
        let promise = self.channel.eventLoop.makePromise(of: [RESPValue].self)
        self.channel.writeAndFlush(
            RedisRequest(bytes: bytes, expectedReplies: replies ?? commands.count, promise: promise), promise: nil)
        var written = ""
        while let buffer = try self.channel.readOutbound(as: ByteBuffer.self) {
            written += String(buffer: buffer)
        }
        return (promise.futureResult, written)
    }

    func receive(_ text: String) throws {
        try self.channel.writeInbound(ByteBuffer(string: text))
    }

    /// The kind of error the future failed with, if it did.
    func failureKind(_ future: EventLoopFuture<[RESPValue]>) -> RedisError.Kind? {
        guard case .failure(let error) = self.result(future) else { return nil }
        return error.kind
    }

    /// The future's result, which must already be there.
    func result(_ future: EventLoopFuture<[RESPValue]>) -> Result<[RESPValue], RedisError>? {
        var outcome: Result<[RESPValue], RedisError>?
        future.assumeIsolated().whenComplete { result in
            outcome = result.mapError { ($0 as? RedisError) ?? RedisError(.connectionClosed, "\($0)") }
        }
        return outcome
    }
}

@Suite("RedisConnectionHandler")
struct RedisConnectionHandlerTests {
    @Test func aPipelineGoesOutAsOneWriteAndItsRepliesComeBackInOrderHoweverTheyAreSplit() throws {
        let harness = try HandlerHarness()
        let (future, written) = try harness.send([RedisCommand("SET", "k", "v"), RedisCommand("GET", "k")])
        #expect(written == "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n")
        try harness.receive("+O")
        try harness.receive("K\r\n$1\r")
        #expect(harness.result(future) == nil)
        try harness.receive("\nv\r\n")
        #expect(harness.result(future) == .success([.status("OK"), .bulk(Array("v".utf8))]))
        #expect(harness.channel.isActive)
    }

    @Test func aRequestWithoutItsReplyInTimeFailsAndTheConnectionCloses() throws {
        let harness = try HandlerHarness()
        let (answered, _) = try harness.send([RedisCommand("PING")])
        harness.channel.embeddedEventLoop.advanceTime(by: .milliseconds(500))
        let (first, _) = try harness.send([RedisCommand("GET", "a")])
        try harness.receive("+PONG\r\n")
        #expect(harness.result(answered) == .success([.status("PONG")]))
        let (second, _) = try harness.send([RedisCommand("GET", "b")])
        harness.channel.embeddedEventLoop.advanceTime(by: .milliseconds(999))
        #expect(harness.result(first) == nil)
        harness.channel.embeddedEventLoop.advanceTime(by: .milliseconds(1))
        #expect(harness.result(first) == .failure(.timeout))
        #expect(harness.result(second) == .failure(.timeout))
        #expect(!harness.channel.isActive)
    }

    @Test func garbageFailsEveryRequestAsAProtocolErrorAndClosesTheConnection() throws {
        let harness = try HandlerHarness()
        let (future, _) = try harness.send([RedisCommand("PING")])
        try harness.receive("?nonsense\r\n")
        #expect(harness.failureKind(future) == .protocolError)
        #expect(!harness.channel.isActive)
    }

    @Test func aClosedConnectionFailsWhatWaitsAndWhatComesLater() throws {
        let harness = try HandlerHarness()
        let (future, _) = try harness.send([RedisCommand("PING")])
        try harness.channel.close().wait()
        #expect(harness.failureKind(future) == .connectionClosed)
    }

    @Test func beyondTheInFlightLimitARequestFailsAtOnceAsOverloaded() throws {
        let harness = try HandlerHarness(maxInFlight: 2)
        let (first, _) = try harness.send([RedisCommand("PING"), RedisCommand("PING")])
        let (second, written) = try harness.send([RedisCommand("PING")])
        #expect(written.isEmpty)
        #expect(harness.failureKind(second) == .overloaded)
        try harness.receive("+PONG\r\n+PONG\r\n")
        #expect(harness.result(first) == .success([.status("PONG"), .status("PONG")]))
        #expect(harness.channel.isActive)
    }

    @Test func aPubSubConnectionHandsOutMessagesBetweenReplies() throws {
        let harness = try HandlerHarness(isPubSub: true)
        let (subscribed, written) = try harness.send([RedisCommand("SUBSCRIBE", "a", "b")], expecting: 2)
        #expect(written == "*3\r\n$9\r\nSUBSCRIBE\r\n$1\r\na\r\n$1\r\nb\r\n")
        try harness.receive("*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n")
        try harness.receive("*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$2\r\nhi\r\n")
        try harness.receive("*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n")
        let replies = try #require(try harness.result(subscribed)?.get())
        #expect(replies.count == 2)
        #expect(harness.received.messages.withLock { $0 } == [RedisMessage(channel: "a", payload: Array("hi".utf8))])
    }
}
