import NIOCore

/// Reads the HTTP/1.1 responses of a client connection that sends one request at a time: status,
/// the framing headers (`Content-Length`, `Transfer-Encoding: chunked`, `Connection`) and the body.
///
/// Offer what arrived to ``next(in:)`` until it answers ``Next/needMoreBytes``; the bytes it left
/// unread must then be offered again in front of the next read (a head, a chunk-size line or a
/// trailer line is only read once it is whole). Bodies are consumed as they arrive, so at most one
/// head or line is ever carried over. Interim `1xx` responses are skipped. Bodies are always read
/// to their end and kept up to ``maximumKeptBodyBytes``.
///
/// Strict where it matters to a client: a head over ``maximumHeadBytes``, an unparsable status
/// line, a bad or conflicting length, or `Content-Length` together with `Transfer-Encoding` make
/// the connection unusable (``Next/invalid(_:)``).
struct HTTPResponseParser {
    struct Response: Equatable, Sendable {
        var status: Int
        /// `Connection: close`, HTTP/1.0 without `keep-alive`, or a body delimited by the close:
        /// no other response can follow on this connection.
        var closesConnection: Bool
        /// At most ``HTTPResponseParser/maximumKeptBodyBytes`` of the body; the rest is dropped.
        var body: [UInt8]
    }

    enum Next: Equatable, Sendable {
        case response(Response)
        case needMoreBytes
        /// The connection cannot be read any further.
        case invalid(String)
    }

    static let maximumHeadBytes = 16 << 10
    static let maximumLineBytes = 1024
    static let maximumKeptBodyBytes = 64 << 10

    private enum State: Equatable {
        case head
        case fixedBody(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case untilClose
        case failed(String)
    }

    private var state = State.head
    private var response = Response(status: 0, closesConnection: false, body: [])

    init() {}

    /// Between two responses: nothing of the next one has been read (the caller may still hold
    /// part of its head).
    var isBetweenResponses: Bool { self.state == .head }

    /// Reads from `buffer` and returns the next whole response, or what stopped it.
    mutating func next(in buffer: inout ByteBuffer) -> Next {
        while true {
            switch self.state {
            case .failed(let reason):
                return .invalid(reason)
            case .head:
                guard let length = buffer.withUnsafeReadableBytes(Self.headLength) else {
                    if buffer.readableBytes > Self.maximumHeadBytes { return self.fail("response head over 16 KiB") }
                    return .needMoreBytes
                }
                guard length <= Self.maximumHeadBytes else { return self.fail("response head over 16 KiB") }
                let head = buffer.withUnsafeReadableBytes {
                    HTTPResponseHead.parse(UnsafeRawBufferPointer(rebasing: $0[..<length]))
                }
                buffer.moveReaderIndex(forwardBy: length)
                switch head {
                case .failure(let error):
                    return self.fail(error.reason)
                case .success(let head):
                    if let next = self.begin(head) { return next }
                }
            case .fixedBody(let remaining):
                guard buffer.readableBytes > 0 else { return .needMoreBytes }
                let left = remaining - self.keep(upTo: remaining, from: &buffer)
                if left == 0 { return self.complete() }
                self.state = .fixedBody(remaining: left)
                return .needMoreBytes
            case .chunkSize:
                guard let line = self.line(in: &buffer) else { return self.lineIsMissing(in: buffer) }
                guard let size = Self.chunkSize(line) else { return self.fail("invalid chunk size line") }
                self.state = size == 0 ? .trailers : .chunkData(remaining: size)
            case .chunkData(let remaining):
                guard buffer.readableBytes > 0 else { return .needMoreBytes }
                let left = remaining - self.keep(upTo: remaining, from: &buffer)
                self.state = left == 0 ? .chunkDataEnd : .chunkData(remaining: left)
            case .chunkDataEnd:
                guard buffer.readableBytes >= 2 else { return .needMoreBytes }
                guard buffer.readInteger(as: UInt16.self) == 0x0D0A else {
                    return self.fail("chunk data not followed by CRLF")
                }
                self.state = .chunkSize
            case .trailers:
                guard let line = self.line(in: &buffer) else { return self.lineIsMissing(in: buffer) }
                if line.isEmpty { return self.complete() }
            case .untilClose:
                _ = self.keep(upTo: buffer.readableBytes, from: &buffer)
                return .needMoreBytes
            }
        }
    }

    /// The connection ended. A body delimited by the close is complete now; any other response
    /// cut short is an error; `nil` between responses.
    mutating func endOfInput() -> Next? {
        switch self.state {
        case .head: return nil
        case .untilClose: return self.complete()
        case .failed(let reason): return .invalid(reason)
        default: return self.fail("connection closed in the middle of a response")
        }
    }

    // MARK: Steps

    /// Sets up the body of a response whose head was just read; returns the response when it has
    /// no body, `nil` to go on reading.
    private mutating func begin(_ head: HTTPResponseHead) -> Next? {
        if (100..<200).contains(head.status) {
            // 100 Continue and friends: the real response follows. 101 would switch protocols,
            // which a client that never asks for an upgrade cannot follow.
            return head.status == 101 ? self.fail("unexpected 101 Switching Protocols") : nil
        }
        self.response = Response(status: head.status, closesConnection: head.closesConnection, body: [])
        if head.status == 204 || head.status == 304 { return self.complete() }
        switch head.framing {
        case .chunked:
            self.state = .chunkSize
        case .length(0):
            return self.complete()
        case .length(let length):
            self.response.body.reserveCapacity(min(length, Self.maximumKeptBodyBytes))
            self.state = .fixedBody(remaining: length)
        case .close:
            self.response.closesConnection = true
            self.state = .untilClose
        }
        return nil
    }

    private mutating func complete() -> Next {
        let response = self.response
        self.response = Response(status: 0, closesConnection: false, body: [])
        self.state = .head
        return .response(response)
    }

    private mutating func fail(_ reason: String) -> Next {
        self.state = .failed(reason)
        return .invalid(reason)
    }

    /// Consumes up to `limit` bytes of body, keeping what fits; returns how many it consumed.
    private mutating func keep(upTo limit: Int, from buffer: inout ByteBuffer) -> Int {
        let count = min(limit, buffer.readableBytes)
        let room = Self.maximumKeptBodyBytes - self.response.body.count
        if room > 0 {
            buffer.withUnsafeReadableBytes { self.response.body.append(contentsOf: $0.prefix(min(room, count))) }
        }
        buffer.moveReaderIndex(forwardBy: count)
        return count
    }

    /// The next CRLF-terminated line without its CRLF, consumed; `nil` when it is not whole yet.
    private func line(in buffer: inout ByteBuffer) -> [UInt8]? {
        let end: Int? = buffer.withUnsafeReadableBytes { bytes in
            var index = 0
            while index + 1 < min(bytes.count, Self.maximumLineBytes + 2) {
                if bytes[index] == 0x0D, bytes[index + 1] == 0x0A { return index }
                index += 1
            }
            return nil
        }
        guard let end else { return nil }
        let line = buffer.readBytes(length: end)
        buffer.moveReaderIndex(forwardBy: 2)
        return line
    }

    private mutating func lineIsMissing(in buffer: ByteBuffer) -> Next {
        buffer.readableBytes > Self.maximumLineBytes + 1 ? self.fail("chunk or trailer line too long") : .needMoreBytes
    }

    /// The length of the head including its blank line, when it is all there.
    private static func headLength(_ bytes: UnsafeRawBufferPointer) -> Int? {
        var index = 0
        while index + 3 < bytes.count {
            if bytes[index] == 0x0D, bytes[index + 1] == 0x0A, bytes[index + 2] == 0x0D, bytes[index + 3] == 0x0A {
                return index + 4
            }
            index += 1
        }
        return nil
    }

    /// `1a2B;name=value` -> 0x1a2b; `nil` for anything but hex digits before an optional extension.
    static func chunkSize(_ line: [UInt8]) -> Int? {
        var size = 0
        var digits = 0
        for byte in line {
            let value: Int
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = Int(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = Int(byte - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = Int(byte - UInt8(ascii: "A")) + 10
            case UInt8(ascii: ";"), UInt8(ascii: " "), UInt8(ascii: "\t"):
                return digits > 0 ? size : nil
            default: return nil
            }
            digits += 1
            guard digits <= 15 else { return nil }
            size = size << 4 | value
        }
        return digits > 0 ? size : nil
    }
}
