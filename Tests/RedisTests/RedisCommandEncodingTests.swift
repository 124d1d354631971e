import NIOCore
import Testing

@testable import Redis

private func encoded(_ command: RedisCommand) -> String {
    var buffer = ByteBuffer()
    command.encode(into: &buffer)
    return String(decoding: buffer.readableBytesView, as: UTF8.self)
}

@Suite("RedisCommand encoding")
struct RedisCommandEncodingTests {
    @Test func aCommandIsAnArrayOfBulkStrings() {
        #expect(encoded(RedisCommand("SET", "key", "value")) == "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n")
        #expect(encoded(RedisCommand(["PING"])) == "*1\r\n$4\r\nPING\r\n")
    }

    @Test func lengthsCountBytesNotCharacters() {
        #expect(encoded(RedisCommand("SET", "k", "é€")) == "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\né€\r\n")
    }

    @Test func emptyArgumentsAndBinaryBytesAreSentAsTheyAre() {
        var buffer = ByteBuffer()
        RedisCommand(bytes: [Array("SET".utf8), [], [0, 13, 10, 255]]).encode(into: &buffer)
        let expected = Array("*3\r\n$3\r\nSET\r\n$0\r\n\r\n$4\r\n".utf8) + [0, 13, 10, 255, 13, 10]
        #expect(Array(buffer.readableBytesView) == expected)
    }

    @Test(arguments: [
        (Int64(0), "0"), (7, "7"), (-7, "-7"), (1_733_212_800_123_456, "1733212800123456"),
        (.max, "9223372036854775807"), (.min, "-9223372036854775808"),
    ])
    func integersAreSentInDecimal(value: Int64, text: String) {
        var command = RedisCommand(["ZADD", "k"])
        command.append(value)
        command.append("m")
        #expect(encoded(command) == "*4\r\n$4\r\nZADD\r\n$1\r\nk\r\n$\(text.utf8.count)\r\n\(text)\r\n$1\r\nm\r\n")
        #expect(command == RedisCommand(["ZADD", "k", text, "m"]))
    }

    @Test func aCommandOfOnlyEmptyArgumentsIsEncoded() {
        #expect(encoded(RedisCommand(["", ""])) == "*2\r\n$0\r\n\r\n$0\r\n\r\n")
        #expect(encoded(RedisCommand([String]())) == "*0\r\n")
    }

    @Test func argumentBoundariesAreKept() {
        // The same bytes cut differently are different commands.
        #expect(RedisCommand(["GET", "ab"]) != RedisCommand(["GETa", "b"]))
        #expect(RedisCommand(["GET", "ab"]).count == 2)
        #expect(RedisCommand(["GET", "ab"]).name == "GET")
    }

    @Test func severalCommandsAppendToOneBuffer() {
        var buffer = ByteBuffer()
        RedisCommand("INCR", "a").encode(into: &buffer)
        RedisCommand("GET", "a").encode(into: &buffer)
        #expect(
            String(decoding: buffer.readableBytesView, as: UTF8.self)
                == "*2\r\n$4\r\nINCR\r\n$1\r\na\r\n*2\r\n$3\r\nGET\r\n$1\r\na\r\n")
    }

    @Test func aLargeArgumentIsCopiedWhole() {
        let value = [UInt8](repeating: 0x61, count: 100_000)
        var buffer = ByteBuffer()
        RedisCommand(bytes: [Array("SET".utf8), Array("k".utf8), value]).encode(into: &buffer)
        #expect(buffer.readableBytes == "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100000\r\n".utf8.count + 100_000 + 2)
    }

    @Test func commandsThatWouldDerailAPooledConnectionAreRefused() {
        for name in ["subscribe", "PSUBSCRIBE", "Monitor", "HELLO", "select", "UNSUBSCRIBE"] {
            #expect(throws: RedisError.invalidCommand, "\(name)") {
                try RedisCommand([name, "x"]).validateForPool()
            }
        }
        #expect(throws: RedisError.invalidCommand) { try RedisCommand([String]()).validateForPool() }
        #expect(throws: Never.self) { try RedisCommand("GET", "subscribe").validateForPool() }
    }
}
