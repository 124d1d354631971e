import NIOCore
import Testing

@testable import REST

/// The framer splits a connection's bytes into requests exactly where NIO's decoder would, however
/// the bytes arrive, and gives up (passes the rest through) rather than guess at anything odd.
@Suite("HTTP request framer")
struct HTTPRequestFramerTests {
    /// A heartbeat, a POST with a body, a GET with odd but valid fields, and a heartbeat again.
    private static let requests = [
        "POST /v1/sessions/ses_1/heartbeat HTTP/1.1\r\nHost: h\r\nX-API-Key: k\r\n\r\n",
        "POST /v1/tickets HTTP/1.1\r\nHost: h\r\ncontent-length:  7 \r\n\r\n{\"a\":1}",
        "GET /v1/tickets?q=a%20b HTTP/1.0\r\nX-Empty:\r\nX-Tab:\tv\t\r\nX-Obs: caf\u{E9}\r\n\r\n",
        "POST /v1/sessions/ses_1/heartbeat HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
    ]

    /// What the framer made of a stream: each head's method, target and length, and all the bytes
    /// it gave out, heads and forwards alike, in order.
    private struct Framed: Equatable {
        var heads: [String] = []
        var bytes: [UInt8] = []
        var passingThrough = false
    }

    private static func frame(_ chunks: [[UInt8]]) -> Framed {
        var framer = HTTPRequestFramer()
        var framed = Framed()
        for chunk in chunks {
            framer.read(ByteBuffer(bytes: chunk))
            loop: while true {
                switch framer.next() {
                case .needMoreBytes:
                    break loop
                case .forward(let bytes):
                    framed.bytes += Array(bytes.readableBytesView)
                case .head(let head):
                    let target = head.withUnsafeBytes { String(decoding: $0[head.target], as: UTF8.self) }
                    framed.heads.append(
                        "\(head.method) \(target) 1.\(head.isHTTP11 ? 1 : 0) \(head.contentLength)")
                    framed.bytes += Array(head.bytes.readableBytesView)
                }
            }
        }
        framed.passingThrough = framer.isPassingThrough
        return framed
    }

    private static let expectedHeads = [
        "post /v1/sessions/ses_1/heartbeat 1.1 0", "post /v1/tickets 1.1 7", "get /v1/tickets?q=a%20b 1.0 0",
        "post /v1/sessions/ses_1/heartbeat 1.1 0",
    ]

    @Test("Whole requests in one read are framed one by one, and every byte is given out once")
    func oneRead() {
        let stream = Array(Self.requests.joined().utf8)
        let framed = Self.frame([stream])
        #expect(framed.heads == Self.expectedHeads)
        #expect(framed.bytes == stream)
        #expect(!framed.passingThrough)
    }

    @Test("The same stream split at every offset, and a byte at a time, frames the same")
    func everySplit() {
        let stream = Array(Self.requests.joined().utf8)
        for split in 1..<stream.count {
            let framed = Self.frame([Array(stream[..<split]), Array(stream[split...])])
            #expect(framed.heads == Self.expectedHeads, "split at \(split)")
            #expect(framed.bytes == stream, "split at \(split)")
        }
        let byByte = Self.frame(stream.map { [$0] })
        #expect(byByte.heads == Self.expectedHeads)
        #expect(byByte.bytes == stream)
    }

    @Test(
        "A head it cannot frame as llhttp does: that head and all after it pass through",
        arguments: [
            "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n",
            "POST /x HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nab",
            "POST /x HTTP/1.1\r\nContent-Length: 1x\r\n\r\nab",
            "POST /x HTTP/1.1\r\nContent-Length: -1\r\n\r\nab",
            "POST /x HTTP/1.1\r\nContent-Length:\r\n\r\nab",
            "POST /x HTTP/1.1\r\nContent-Length: 1234567890123456\r\n\r\n",
            "GET /x HTTP/1.1\r\nX-A: 1\r\n folded\r\n\r\n",
            "GET /x HTTP/1.1\nHost: h\n\n",
            "GET /x HTTP/1.1\r\nHost: h\n\r\n",
            "GET /x HTTP/1.1\r\nX-A: a\rb\r\n\r\n",
            "GET /x HTTP/1.1\r\nX-A: a\u{01}b\r\n\r\n",
            "GET /x HTTP/1.1\r\nX A: 1\r\n\r\n",
            "GET /x HTTP/1.1\r\n: 1\r\n\r\n",
            "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\u{81}\u{80}",
            "CONNECT h:443 HTTP/1.1\r\n\r\n",
            "get /x HTTP/1.1\r\n\r\n",
            "BREW /x HTTP/1.1\r\n\r\n",
            "GET  /x HTTP/1.1\r\n\r\n",
            "GET /x HTTP/2.0\r\n\r\n",
            "GET /x\r\n\r\n",
            "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
            "\r\nGET /x HTTP/1.1\r\n\r\n",
        ])
    func passesThrough(odd: String) {
        let first = Array(Self.requests[0].utf8)
        // A heartbeat after it must not be framed: by then the bytes may not even be HTTP.
        let stream = first + Array(odd.utf8) + first
        let framed = Self.frame([stream])
        #expect(framed.heads == [Self.expectedHeads[0]])
        #expect(framed.bytes == stream)
        #expect(framed.passingThrough)
    }

    @Test("A head longer than the limit passes through; one just under it is framed")
    func headLimit() {
        let start = "GET /x HTTP/1.1\r\nX-Long: "
        let fits = HTTPRequestFramer.maximumHeadLength - start.utf8.count - 4
        let framed = Self.frame([Array((start + String(repeating: "a", count: fits) + "\r\n\r\n").utf8)])
        #expect(framed.heads.count == 1)
        #expect(!framed.passingThrough)
        let tooLong = Array((start + String(repeating: "a", count: fits + 1) + "\r\n\r\n").utf8)
        #expect(Self.frame([tooLong]).heads.isEmpty)
        #expect(Self.frame([tooLong]).passingThrough)
        // Without its end in sight, it passes through once the limit is crossed, not at the end.
        let endless = Array((start + String(repeating: "a", count: fits + 4)).utf8)
        #expect(endless.count == HTTPRequestFramer.maximumHeadLength)
        #expect(!Self.frame([endless]).passingThrough)
        #expect(Self.frame([endless, [UInt8(ascii: "a")]]).passingThrough)
    }

    @Test("Looking for the end of a head resumes where the last look stopped")
    func endOfHeadResumes() {
        let head = ByteBuffer(string: "GET /x HTTP/1.1\r\nHost: h\r\n")
        #expect(HTTPRequestHeadBytes.endOfHead(in: head, from: 0) == .incomplete(scanned: head.readableBytes))
        var whole = head
        whole.writeString("\r\n")
        #expect(
            HTTPRequestHeadBytes.endOfHead(in: whole, from: head.readableBytes)
                == .complete(length: whole.readableBytes))
        // The CR before a blank line's LF is checked even when it came in the read before.
        var bare = head
        bare.writeString("\n")
        #expect(HTTPRequestHeadBytes.endOfHead(in: bare, from: head.readableBytes) == .unframeable)
    }
}
