/// The parts of a response head a client needs: status, how the body is delimited, and whether the
/// connection stays open.
struct HTTPResponseHead: Equatable, Sendable {
    enum Framing: Equatable, Sendable {
        case length(Int)
        case chunked
        /// No length: the body runs until the server closes the connection.
        case close
    }

    struct ParseError: Error, Equatable, Sendable {
        let reason: String
    }

    var status: Int
    var framing: Framing
    var closesConnection: Bool

    /// Parses a whole head, `HTTP/1.1 204 No Content\r\n...\r\n\r\n` (the blank line included).
    static func parse(_ bytes: UnsafeRawBufferPointer) -> Result<Self, ParseError> {
        var lines = Lines(bytes: bytes)
        guard let statusLine = lines.next() else { return .failure(ParseError(reason: "empty response head")) }
        // "HTTP/1.1 200" then an optional " reason".
        guard statusLine.count >= 12, statusLine.starts(with: "HTTP/1.".utf8),
            statusLine[7] == UInt8(ascii: "0") || statusLine[7] == UInt8(ascii: "1"),
            statusLine[8] == UInt8(ascii: " "), statusLine.count == 12 || statusLine[12] == UInt8(ascii: " "),
            let status = Self.digits(statusLine[9..<12]), status >= 100
        else {
            return .failure(ParseError(reason: "invalid status line"))
        }
        let isHTTP10 = statusLine[7] == UInt8(ascii: "0")
        var contentLength: Int?
        var transferEncoding: [UInt8]?
        var close = isHTTP10
        while let line = lines.next(), !line.isEmpty {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
                !line[..<colon].contains(where: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") })
            else {
                return .failure(ParseError(reason: "invalid header line"))
            }
            let name = line[..<colon]
            let value = Self.trimmed(line[(colon + 1)...])
            if Self.equalsLowercased(name, "content-length") {
                guard let length = Self.digits(value), contentLength == nil || contentLength == length else {
                    return .failure(ParseError(reason: "invalid Content-Length"))
                }
                contentLength = length
            } else if Self.equalsLowercased(name, "transfer-encoding") {
                transferEncoding = (transferEncoding.map { $0 + [UInt8(ascii: ",")] } ?? []) + value
            } else if Self.equalsLowercased(name, "connection") {
                for token in value.split(separator: UInt8(ascii: ",")) {
                    let token = Self.trimmed(token)
                    if Self.equalsLowercased(token, "close") { close = true }
                    if isHTTP10, Self.equalsLowercased(token, "keep-alive") { close = false }
                }
            }
        }
        let framing: Framing
        if let transferEncoding {
            // A response with both could be read two ways (RFC 9112 section 6.3): refuse it.
            guard contentLength == nil else {
                return .failure(ParseError(reason: "both Content-Length and Transfer-Encoding"))
            }
            let last = transferEncoding.split(separator: UInt8(ascii: ",")).last.map(Self.trimmed) ?? []
            framing = Self.equalsLowercased(last, "chunked") ? .chunked : .close
        } else if let contentLength {
            framing = .length(contentLength)
        } else {
            framing = .close
        }
        return .success(Self(status: status, framing: framing, closesConnection: close))
    }

    /// Decimal digits only, at most 18 of them.
    private static func digits(_ bytes: some Collection<UInt8>) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var value = 0
        for byte in bytes {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) })
        else { return [] }
        return bytes[first...last]
    }

    /// Whether `bytes` spell `lowercase` in any case (ASCII).
    private static func equalsLowercased(_ bytes: some Collection<UInt8>, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        var index = 0
        for byte in bytes {
            let folded = (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
            guard folded == lowercase.utf8Start[index] else { return false }
            index += 1
        }
        return true
    }
}

/// CRLF-separated lines of a head, as array slices.
private struct Lines {
    let bytes: [UInt8]
    var offset = 0

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = Array(bytes)
    }

    mutating func next() -> ArraySlice<UInt8>? {
        guard self.offset < self.bytes.count else { return nil }
        var end = self.offset
        while end + 1 < self.bytes.count, !(self.bytes[end] == 0x0D && self.bytes[end + 1] == 0x0A) { end += 1 }
        guard end + 1 < self.bytes.count else {
            // No CRLF left: the caller passes whole heads, so this is the unterminated rest.
            defer { self.offset = self.bytes.count }
            return self.bytes[self.offset...]
        }
        defer { self.offset = end + 2 }
        return self.bytes[self.offset..<end]
    }
}
