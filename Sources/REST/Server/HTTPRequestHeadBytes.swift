import NIOCore

/// One HTTP/1 request head as it was read, from the request line to the blank line, checked far
/// enough to know where its request ends: what ``HTTPRequestFramer`` needs to step past it, and
/// what the heartbeat fast path reads, without decoding the rest.
///
/// The grammar is a strict subset of what NIO's decoder (llhttp) takes: a known method, one space
/// on each side of a target of visible ASCII, `HTTP/1.1` or `HTTP/1.0`, field lines of a token,
/// a colon and a value without control characters, every line ending CRLF, and a body of
/// `Content-Length` bytes or none. A head outside it (chunked or repeated lengths, folded lines,
/// an upgrade or `CONNECT`, after which the bytes are no longer HTTP) does not parse, and the
/// framer leaves the rest of the connection to the decoder.
struct HTTPRequestHeadBytes {
    enum Method: Equatable {
        case get, head, post, put, patch, delete, options
    }

    /// The whole head, request line to blank line.
    let bytes: ByteBuffer
    let method: Method
    /// The request target's offsets in ``bytes``' readable bytes.
    let target: Range<Int>
    let isHTTP11: Bool
    /// The body's length: `Content-Length`, or 0 without one.
    let contentLength: Int
    /// The field lines' offsets, each line with its CRLF.
    private let fields: Range<Int>

    /// `nil` when `bytes` (a head found by ``endOfHead(in:from:)``) is outside the grammar above.
    init?(_ bytes: ByteBuffer) {
        guard
            let parsed = bytes.withUnsafeReadableBytes({ raw -> (Method, Range<Int>, Bool, Int, Range<Int>)? in
                Self.parse(raw)
            })
        else { return nil }
        self.bytes = bytes
        (self.method, self.target, self.isHTTP11, self.contentLength, self.fields) = parsed
    }

    /// Calls `body` with the head's bytes, to read ``target`` or the ranges ``forEachField(in:_:)``
    /// gives. The pointer is valid only inside `body`.
    func withUnsafeBytes<T>(_ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        try self.bytes.withUnsafeReadableBytes(body)
    }

    /// Calls `body` with each field's name and value (without surrounding whitespace) as offsets
    /// in `raw` (from ``withUnsafeBytes(_:)``), in order, until it returns false.
    func forEachField(in raw: UnsafeRawBufferPointer, _ body: (Range<Int>, Range<Int>) -> Bool) {
        _ = Self.fieldLines(raw, self.fields, body)
    }

    // MARK: Finding the end

    enum End: Equatable {
        /// The head is the first `length` bytes.
        case complete(length: Int)
        /// No blank line in what has arrived; the bytes before `scanned` need no second look.
        case incomplete(scanned: Int)
        /// A bare LF: llhttp's line endings are not ours to guess.
        case unframeable
    }

    /// Where the head starting `buffer`'s readable bytes ends. Resumes at `scanned`, an earlier
    /// answer's, so that a head arriving a byte at a time is not read over and over.
    static func endOfHead(in buffer: ByteBuffer, from scanned: Int) -> End {
        buffer.withUnsafeReadableBytes { raw in
            var index = scanned
            while index < raw.count {
                guard raw[index] == Self.lf else {
                    index += 1
                    continue
                }
                guard index > 0, raw[index - 1] == Self.cr else { return .unframeable }
                if index >= 3, raw[index - 2] == Self.lf { return .complete(length: index + 1) }
                index += 1
            }
            return .incomplete(scanned: index)
        }
    }

    // MARK: Parsing

    private static func parse(_ raw: UnsafeRawBufferPointer) -> (Method, Range<Int>, Bool, Int, Range<Int>)? {
        // The request line: METHOD SP target SP HTTP/1.x CRLF.
        guard let methodEnd = raw.firstIndex(of: Self.space), let method = Self.method(raw, 0..<methodEnd) else {
            return nil
        }
        let targetStart = methodEnd + 1
        var targetEnd = targetStart
        while targetEnd < raw.count, raw[targetEnd] > Self.space, raw[targetEnd] < 0x7F { targetEnd += 1 }
        let versionLength = Self.http1.count + 1
        guard targetEnd > targetStart, targetEnd + 1 + versionLength + 2 <= raw.count, raw[targetEnd] == Self.space
        else { return nil }
        let versionStart = targetEnd + 1
        for (offset, byte) in Self.http1.enumerated() where raw[versionStart + offset] != byte { return nil }
        let minor = raw[versionStart + Self.http1.count]
        guard minor == UInt8(ascii: "0") || minor == UInt8(ascii: "1") else { return nil }
        let lineEnd = versionStart + versionLength
        guard raw[lineEnd] == Self.cr, raw[lineEnd + 1] == Self.lf else { return nil }
        // The fields, up to the blank line's CRLF.
        let fields = (lineEnd + 2)..<(raw.count - 2)
        var contentLength: Int?
        var framed = true
        let complete = Self.fieldLines(raw, fields) { name, value in
            if Self.equalsIgnoringCase(raw, name, "content-length") {
                guard contentLength == nil, let length = Self.decimal(raw, value) else {
                    framed = false
                    return false
                }
                contentLength = length
            } else if Self.equalsIgnoringCase(raw, name, "transfer-encoding")
                || Self.equalsIgnoringCase(raw, name, "upgrade")
            {
                framed = false
                return false
            }
            return true
        }
        guard complete, framed else { return nil }
        return (method, targetStart..<targetEnd, minor == UInt8(ascii: "1"), contentLength ?? 0, fields)
    }

    /// Walks the field lines in `fields`, checking each, and calls `body` with its name and value.
    /// False when a line is outside the grammar (the walk stops there) or `body` stopped it.
    private static func fieldLines(
        _ raw: UnsafeRawBufferPointer, _ fields: Range<Int>, _ body: (Range<Int>, Range<Int>) -> Bool
    ) -> Bool {
        var start = fields.lowerBound
        while start < fields.upperBound {
            var colon = start
            while colon < fields.upperBound, Self.isTokenByte(raw[colon]) { colon += 1 }
            // No name (a folded line starts with whitespace), or something other than a colon after it.
            guard colon > start, colon < fields.upperBound, raw[colon] == Self.colon else { return false }
            var end = colon + 1
            while end < fields.upperBound, Self.isValueByte(raw[end]) { end += 1 }
            guard end + 1 < raw.count, raw[end] == Self.cr, raw[end + 1] == Self.lf else { return false }
            var valueStart = colon + 1
            var valueEnd = end
            while valueStart < valueEnd, Self.isWhitespace(raw[valueStart]) { valueStart += 1 }
            while valueEnd > valueStart, Self.isWhitespace(raw[valueEnd - 1]) { valueEnd -= 1 }
            guard body(start..<colon, valueStart..<valueEnd) else { return false }
            start = end + 2
        }
        return true
    }

    /// Whether the bytes at `range` spell `lowercase` (ASCII) in any case.
    static func equalsIgnoringCase(_ raw: UnsafeRawBufferPointer, _ range: Range<Int>, _ lowercase: StaticString)
        -> Bool
    {
        guard range.count == lowercase.utf8CodeUnitCount else { return false }
        let expected = UnsafeRawBufferPointer(start: lowercase.utf8Start, count: lowercase.utf8CodeUnitCount)
        for offset in 0..<range.count {
            let byte = raw[range.lowerBound + offset]
            let folded = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
            guard folded == expected[offset] else { return false }
        }
        return true
    }

    /// Whether the bytes at `range` are exactly `text`'s.
    static func equals(_ raw: UnsafeRawBufferPointer, _ range: Range<Int>, _ text: String) -> Bool {
        var text = text
        return text.withUTF8 { Self.equals(raw, range, UnsafeRawBufferPointer($0)) }
    }

    private static func equals(
        _ raw: UnsafeRawBufferPointer, _ range: Range<Int>, _ expected: UnsafeRawBufferPointer
    ) -> Bool {
        guard range.count == expected.count else { return false }
        for offset in 0..<range.count where raw[range.lowerBound + offset] != expected[offset] { return false }
        return true
    }

    private static func method(_ raw: UnsafeRawBufferPointer, _ range: Range<Int>) -> Method? {
        // Case matters: llhttp, like RFC 9110, takes only upper-case methods.
        func spells(_ name: StaticString) -> Bool {
            Self.equals(raw, range, UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        }
        if spells("POST") { return .post }
        if spells("GET") { return .get }
        if spells("HEAD") { return .head }
        if spells("PUT") { return .put }
        if spells("PATCH") { return .patch }
        if spells("DELETE") { return .delete }
        if spells("OPTIONS") { return .options }
        return nil
    }

    /// A `Content-Length` value: 1 to 15 digits and nothing else.
    private static func decimal(_ raw: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int? {
        guard !range.isEmpty, range.count <= 15 else { return nil }
        var value = 0
        for index in range {
            let digit = raw[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + Int(digit)
        }
        return value
    }

    /// RFC 9110's `tchar`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// A field value's bytes: visible ASCII, space, tab and obs-text; no other control character.
    private static func isValueByte(_ byte: UInt8) -> Bool {
        byte == Self.tab || (byte >= Self.space && byte != 0x7F)
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool { byte == Self.space || byte == Self.tab }

    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")
    private static let space = UInt8(ascii: " ")
    private static let tab = UInt8(ascii: "\t")
    private static let colon = UInt8(ascii: ":")
    private static let http1 = Array("HTTP/1.".utf8)
}
