import NIOCore
import Testing

@testable import LoadGenerator

/// Reading responses the way they arrive: whole, in pieces, byte by byte, several in one read.
@Suite struct HeartbeatResponseParserTests {
    typealias Response = HTTPResponseParser.Response

    /// Feeds `chunks` the way the connection does (unread bytes carried in front of the next read)
    /// and returns every response, then the error if one stopped the parser.
    private func parse(_ chunks: [[UInt8]], closeAtEnd: Bool = false) -> (responses: [Response], error: String?) {
        var parser = HTTPResponseParser()
        var responses: [Response] = []
        var carry: [UInt8] = []
        for chunk in chunks {
            var buffer = ByteBuffer(bytes: carry + chunk)
            carry = []
            reading: while true {
                switch parser.next(in: &buffer) {
                case .response(let response): responses.append(response)
                case .needMoreBytes:
                    carry = buffer.readBytes(length: buffer.readableBytes) ?? []
                    break reading
                case .invalid(let reason): return (responses, reason)
                }
            }
        }
        if closeAtEnd, let end = parser.endOfInput() {
            switch end {
            case .response(let response): responses.append(response)
            case .invalid(let reason): return (responses, reason)
            case .needMoreBytes: break
            }
        }
        return (responses, nil)
    }

    /// The same bytes whole, split at every position, and one byte at a time must read the same.
    private func parseEveryWay(_ text: String, closeAtEnd: Bool = false) -> (responses: [Response], error: String?) {
        let bytes = Array(text.utf8)
        let whole = self.parse([bytes], closeAtEnd: closeAtEnd)
        let single = self.parse(bytes.map { [$0] }, closeAtEnd: closeAtEnd)
        #expect(single.responses == whole.responses, "byte by byte")
        #expect(single.error == whole.error, "byte by byte")
        for split in stride(from: 1, to: bytes.count, by: max(1, bytes.count / 40)) {
            let parts = self.parse([Array(bytes[..<split]), Array(bytes[split...])], closeAtEnd: closeAtEnd)
            #expect(parts.responses == whole.responses, "split at \(split)")
        }
        return whole
    }

    @Test func aNoContentAnswerHasNoBody() {
        let result = self.parseEveryWay("HTTP/1.1 204 No Content\r\nDate: Mon, 01 Jan 2026 00:00:00 GMT\r\n\r\n")
        #expect(result.error == nil)
        #expect(result.responses == [Response(status: 204, closesConnection: false, body: [])])
    }

    @Test func aBodyIsReadByItsLength() {
        let body = #"{"id":"ses_abc","state":"active"}"#
        let result = self.parseEveryWay(
            "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\nCONTENT-LENGTH: \(body.utf8.count)\r\n\r\n\(body)"
        )
        #expect(result.responses == [Response(status: 201, closesConnection: false, body: Array(body.utf8))])
    }

    @Test func severalResponsesInOneRead() {
        let text =
            "HTTP/1.1 204 No Content\r\n\r\n"
            + "HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\n{}"
            + "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"
        let result = self.parseEveryWay(text)
        #expect(result.responses.map(\.status) == [204, 404, 204])
        #expect(result.responses[1].body == Array("{}".utf8))
    }

    @Test func chunkedBodiesWithExtensionsAndTrailers() {
        let text =
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5\r\nhello\r\n"
            + "7;name=value\r\n, world\r\n"
            + "0\r\nX-Trailer: yes\r\n\r\n"
            + "HTTP/1.1 204 No Content\r\n\r\n"
        let result = self.parseEveryWay(text)
        #expect(result.error == nil)
        #expect(result.responses.map(\.status) == [200, 204])
        #expect(result.responses[0].body == Array("hello, world".utf8))
    }

    @Test func interimResponsesAreSkipped() {
        let result = self.parseEveryWay("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n")
        #expect(result.responses.map(\.status) == [204])
    }

    @Test func whatEndsTheConnection() {
        let close = self.parseEveryWay(
            "HTTP/1.1 503 Service Unavailable\r\nConnection: keep-alive, close\r\nContent-Length: 0\r\n\r\n")
        #expect(close.responses == [Response(status: 503, closesConnection: true, body: [])])
        let old = self.parseEveryWay("HTTP/1.0 204 No Content\r\n\r\n")
        #expect(old.responses.first?.closesConnection == true)
        let oldKeptAlive = self.parseEveryWay("HTTP/1.0 204 No Content\r\nConnection: Keep-Alive\r\n\r\n")
        #expect(oldKeptAlive.responses.first?.closesConnection == false)
        // No length at all: the body runs to the close.
        let untilClose = self.parseEveryWay("HTTP/1.1 500 Oops\r\n\r\npartial", closeAtEnd: true)
        #expect(untilClose.responses == [Response(status: 500, closesConnection: true, body: Array("partial".utf8))])
    }

    @Test func aResponseCutShortIsAnError() {
        let cut = self.parse([Array("HTTP/1.1 201 Created\r\nContent-Length: 10\r\n\r\nabc".utf8)], closeAtEnd: true)
        #expect(cut.responses.isEmpty)
        #expect(cut.error == "connection closed in the middle of a response")
        // Between responses, a close is nothing.
        var parser = HTTPResponseParser()
        #expect(parser.endOfInput() == nil)
    }

    @Test(arguments: [
        "HTTP/2 204\r\n\r\n",
        "HTTP/1.1 20 No\r\n\r\n",
        "HTTP/1.1 2045 No\r\n\r\n",
        "http/1.1 204 No Content\r\n\r\n",
        "HTTP/1.1 204No Content\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc",
        "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcXY",
        "HTTP/1.1 200 OK\r\n folded: header\r\n\r\n",
        "HTTP/1.1 200 OK\r\nNo colon here\r\n\r\n",
        "HTTP/1.1 101 Switching Protocols\r\n\r\n",
    ])
    func malformedResponsesStopTheParser(_ text: String) {
        let result = self.parseEveryWay(text)
        #expect(result.responses.isEmpty)
        #expect(result.error != nil)
    }

    @Test func theSameContentLengthTwiceIsAccepted() {
        let result = self.parseEveryWay("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok")
        #expect(result.responses.first?.body == Array("ok".utf8))
    }

    @Test func anEndlessHeadIsRefused() {
        let head = "HTTP/1.1 200 OK\r\n" + String(repeating: "X-Filler: 0123456789abcdef\r\n", count: 1000)
        let result = self.parse([Array(head.utf8)])
        #expect(result.error == "response head over 16 KiB")
        let line = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + String(repeating: "1", count: 2000)
        #expect(self.parse([Array(line.utf8)]).error == "chunk or trailer line too long")
    }

    @Test func aHugeBodyIsReadButOnlyItsStartKept() {
        let size = HTTPResponseParser.maximumKeptBodyBytes + 1000
        let head = Array("HTTP/1.1 200 OK\r\nContent-Length: \(size)\r\n\r\n".utf8)
        let body = [UInt8](repeating: UInt8(ascii: "a"), count: size)
        let result = self.parse([
            head, Array(body[..<5000]), Array(body[5000...]), Array("HTTP/1.1 204 No Content\r\n\r\n".utf8),
        ])
        #expect(result.responses.map(\.status) == [200, 204])
        #expect(result.responses[0].body.count == HTTPResponseParser.maximumKeptBodyBytes)
    }

    @Test func chunkSizes() {
        #expect(HTTPResponseParser.chunkSize(Array("1a2B".utf8)) == 0x1A2B)
        #expect(HTTPResponseParser.chunkSize(Array("0".utf8)) == 0)
        #expect(HTTPResponseParser.chunkSize(Array("10 ; ext".utf8)) == 16)
        #expect(HTTPResponseParser.chunkSize(Array("".utf8)) == nil)
        #expect(HTTPResponseParser.chunkSize(Array(";ext".utf8)) == nil)
        #expect(HTTPResponseParser.chunkSize(Array("1000000000000000".utf8)) == nil, "16 hex digits overflow")
        #expect(HTTPResponseParser.chunkSize(Array("-1".utf8)) == nil)
    }
}
