import Testing

@testable import Redis

/// Every reply type, in the bytes Redis sends and the value the reader must make of them.
private let samples: [(bytes: String, value: RESPValue)] = [
    ("+OK\r\n", .status("OK")),
    ("-ERR unknown command 'FOO'\r\n", .error("ERR unknown command 'FOO'")),
    (":0\r\n", .integer(0)),
    (":-42\r\n", .integer(-42)),
    (":9223372036854775807\r\n", .integer(.max)),
    ("$5\r\nhello\r\n", .bulk(Array("hello".utf8))),
    ("$0\r\n\r\n", .bulk([])),
    ("$4\r\na\r\nb\r\n", .bulk(Array("a\r\nb".utf8))),
    ("$-1\r\n", .null),
    ("*-1\r\n", .null),
    ("*0\r\n", .array([])),
    (
        "*3\r\n:1\r\n$-1\r\n*2\r\n+a\r\n*1\r\n-E x\r\n",
        .array([.integer(1), .null, .array([.status("a"), .array([.error("E x")])])])
    ),
]

private func readAll(_ reader: RedisReplyReader) throws(RedisError) -> [RESPValue] {
    var values: [RESPValue] = []
    while let value = try reader.next() { values.append(value) }
    return values
}

@Suite("RedisReplyReader")
struct RedisReplyReaderTests {
    @Test(arguments: samples.indices)
    func eachReplyTypeInOnePiece(_ index: Int) throws {
        let reader = RedisReplyReader()
        try reader.feed(Array(samples[index].bytes.utf8))
        #expect(try readAll(reader) == [samples[index].value])
    }

    @Test func allRepliesFedByteByByteComeOutInOrder() throws {
        let reader = RedisReplyReader()
        var values: [RESPValue] = []
        for byte in samples.flatMap({ Array($0.bytes.utf8) }) {
            try reader.feed([byte])
            values += try readAll(reader)
        }
        #expect(values == samples.map(\.value))
    }

    @Test func allRepliesInOneFeed() throws {
        let reader = RedisReplyReader()
        try reader.feed(samples.flatMap { Array($0.bytes.utf8) })
        #expect(try readAll(reader) == samples.map(\.value))
    }

    @Test func anIncompleteReplyWaitsForTheRest() throws {
        let reader = RedisReplyReader()
        try reader.feed(Array("*2\r\n$3\r\nfoo\r\n".utf8))
        #expect(try reader.next() == nil)
        try reader.feed(Array(":7\r\n".utf8))
        #expect(try reader.next() == .array([.bulk(Array("foo".utf8)), .integer(7)]))
        #expect(try reader.next() == nil)
    }

    @Test func binaryBulkBytesSurvive() throws {
        let reader = RedisReplyReader()
        try reader.feed(Array("$3\r\n".utf8) + [0, 255, 10] + [13, 10])
        #expect(try reader.next() == .bulk([0, 255, 10]))
    }

    /// hiredis 0.14 checks the type byte and the nesting depth (numbers it does not check).
    @Test(arguments: ["?what\r\n", "hello\r\n", ":1\r\n%2\r\n", String(repeating: "*1\r\n", count: 9) + ":1\r\n"])
    func garbageIsAProtocolError(_ garbage: String) throws {
        let reader = RedisReplyReader()
        let error = #expect(throws: RedisError.self) {
            try reader.feed(Array(garbage.utf8))
            _ = try readAll(reader)
        }
        #expect(error?.kind == .protocolError)
        #expect(error?.isUnavailable == false)
    }

    @Test func theValueAccessors() {
        #expect(RESPValue.status("OK").string == "OK")
        #expect(RESPValue.bulk(Array("v".utf8)).string == "v")
        #expect(RESPValue.integer(3).string == nil)
        #expect(RESPValue.integer(3).integer == 3)
        #expect(RESPValue.null.integer == nil)
        #expect(RESPValue.array([.null]).array == [.null])
        #expect(RESPValue.null.array == nil)
    }
}
