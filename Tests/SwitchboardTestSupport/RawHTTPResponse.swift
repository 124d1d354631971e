import Foundation

/// An HTTP/1.1 response as read off a raw socket.
public struct RawHTTPResponse: Sendable, Equatable {
    /// The status code from the status line.
    public var status: Int
    /// Header fields keyed by lower-cased name; repeated fields are joined with ", ".
    public var headers: [String: String]
    /// The body decoded as UTF-8 (lossily), empty if there was none.
    public var body: String

    /// The header value for `name`, compared case-insensitively.
    public subscript(header name: String) -> String? { headers[name.lowercased()] }

    /// Parses a response head (status line and fields, without the terminating blank line).
    static func parseHead(_ head: [UInt8]) throws -> (status: Int, headers: [String: String]) {
        let text = String(decoding: head, as: UTF8.self)
        var lines = text.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw RawWebSocketError.malformedServerData("bad status line \"\(statusLine)\"")
        }
        var headers: [String: String] = [:]
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else {
                throw RawWebSocketError.malformedServerData("bad header line \"\(line)\"")
            }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[name] = headers[name].map { "\($0), \(value)" } ?? value
        }
        return (status, headers)
    }

    /// Reads the body framed by Content-Length, chunked encoding, or connection close.
    static func readBody(
        status: Int, headers: [String: String], reader: BufferedReader, deadline: ContinuousClock.Instant
    ) throws -> [UInt8] {
        if (100..<200).contains(status) || status == 204 || status == 304 { return [] }
        if let length = headers["content-length"].flatMap({ Int($0) }) {
            try reader.fill(atLeast: length, deadline: deadline, what: "a \(length)-byte response body")
            return reader.take(length)
        }
        if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            var body: [UInt8] = []
            while true {
                let sizeLine = try readLine(reader, deadline: deadline)
                let sizeText = sizeLine.split(separator: ";").first.map(String.init) ?? ""
                guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else {
                    throw RawWebSocketError.malformedServerData("bad chunk size \"\(sizeLine)\"")
                }
                if size == 0 {
                    // Trailer fields (usually none) end with an empty line.
                    while try !readLine(reader, deadline: deadline).isEmpty {}
                    return body
                }
                try reader.fill(atLeast: size + 2, deadline: deadline, what: "a response body chunk")
                body += reader.take(size)
                _ = reader.take(2)
            }
        }
        return try reader.readUntilClosed(deadline: deadline)
    }

    private static func readLine(_ reader: BufferedReader, deadline: ContinuousClock.Instant) throws -> String {
        var line: [UInt8] = []
        while true {
            try reader.fill(atLeast: 1, deadline: deadline, what: "a chunked body line")
            let byte = reader.take(1)[0]
            if byte == 10 { break }
            if byte != 13 { line.append(byte) }
        }
        return String(decoding: line, as: UTF8.self)
    }
}
