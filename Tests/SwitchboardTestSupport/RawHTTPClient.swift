import Foundation

/// A blocking HTTP/1.1 client over one loopback TCP connection, for testing the server from the
/// outside: it sends exactly the bytes it is told to and parses responses strictly.
///
/// One instance is one connection, so several ``request(_:_:headers:body:timeout:)`` calls in a row
/// exercise keep-alive. Every read is bounded by a timeout. Blocking calls stall the calling thread:
/// from async tests, run it inside ``withBlockingIO(_:)``. Not thread-safe.
public final class RawHTTPClient {
    /// The underlying socket, for tests that need raw access.
    public let socket: RawSocket
    /// The timeout for operations that are not given one.
    public var defaultTimeout: Duration
    private let reader: BufferedReader

    /// Opens a TCP connection to `127.0.0.1:port`.
    public init(port: Int, timeout: Duration = .seconds(5)) throws {
        socket = try RawSocket(port: port, timeout: timeout)
        reader = BufferedReader(socket: socket)
        defaultTimeout = timeout
    }

    deinit { socket.close() }

    /// The loopback port this client is connected to.
    public var port: Int { socket.port }

    /// The request as wire bytes: request line, `Host` (unless given), the fields, `Content-Length`
    /// when there is a body (unless given), a blank line, and the body.
    public static func encodeRequest(
        _ method: String, _ target: String, headers: [(String, String)] = [], body: [UInt8] = [], port: Int
    ) -> [UInt8] {
        var fields = headers
        if !fields.contains(where: { $0.0.lowercased() == "host" }) {
            fields.insert(("Host", "127.0.0.1:\(port)"), at: 0)
        }
        if !body.isEmpty && !fields.contains(where: { $0.0.lowercased() == "content-length" }) {
            fields.append(("Content-Length", String(body.count)))
        }
        var text = "\(method) \(target) HTTP/1.1\r\n"
        for (name, value) in fields { text += "\(name): \(value)\r\n" }
        text += "\r\n"
        return Array(text.utf8) + body
    }

    /// Sends one request and reads its response, leaving the connection open for the next one
    /// (unless the request or the server says `Connection: close`).
    public func request(
        _ method: String = "GET",
        _ target: String,
        headers: [(String, String)] = [],
        body: [UInt8] = [],
        timeout: Duration? = nil
    ) throws -> RawHTTPResponse {
        try sendRaw(Self.encodeRequest(method, target, headers: headers, body: body, port: port))
        return try readResponse(isHead: method.uppercased() == "HEAD", timeout: timeout)
    }

    /// Writes arbitrary bytes, e.g. half a request line.
    public func sendRaw(_ bytes: [UInt8]) throws {
        try socket.send(bytes, timeout: defaultTimeout)
    }

    /// Reads the next complete response: head, then a body framed by `Content-Length`, chunked
    /// encoding or connection close. Interim 1xx responses other than 101 are skipped.
    public func readResponse(isHead: Bool = false, timeout: Duration? = nil) throws -> RawHTTPResponse {
        let deadline = ContinuousClock.now + (timeout ?? defaultTimeout)
        while true {
            let (status, headers) = try RawHTTPResponse.parseHead(reader.readHTTPHead(deadline: deadline))
            if (100..<200).contains(status) && status != 101 { continue }
            let body =
                isHead || status == 101
                ? []
                : try RawHTTPResponse.readBody(status: status, headers: headers, reader: reader, deadline: deadline)
            return RawHTTPResponse(status: status, headers: headers, body: String(decoding: body, as: UTF8.self))
        }
    }

    /// Waits for the server to close the connection, discarding any bytes that arrive. Returns true
    /// on end-of-stream or reset, false if the connection is still open after `timeout`.
    public func waitForClose(timeout: Duration? = nil) -> Bool {
        let deadline = ContinuousClock.now + (timeout ?? defaultTimeout)
        if reader.available > 0 { _ = reader.take(reader.available) }
        return socket.waitForEndOfStream(until: deadline)
    }

    /// Closes the connection.
    public func close() { socket.close() }

    /// One request on a fresh connection with `Connection: close`, for tests that need no keep-alive.
    public static func request(
        port: Int,
        _ method: String = "GET",
        _ target: String,
        headers: [(String, String)] = [],
        body: [UInt8] = [],
        timeout: Duration = .seconds(5)
    ) throws -> RawHTTPResponse {
        let client = try RawHTTPClient(port: port, timeout: timeout)
        defer { client.close() }
        var fields = headers
        if !fields.contains(where: { $0.0.lowercased() == "connection" }) {
            fields.append(("Connection", "close"))
        }
        return try client.request(method, target, headers: fields, body: body)
    }

    /// The headers of a valid RFC 6455 upgrade request with a random key; `extra` entries replace
    /// the default field of the same name (case-insensitively) or are added.
    public static func webSocketUpgradeHeaders(_ extra: [(String, String)] = []) -> [(String, String)] {
        var fields: [(String, String)] = [
            ("Upgrade", "websocket"),
            ("Connection", "Upgrade"),
            ("Sec-WebSocket-Key", RawHandshake.randomKey()),
            ("Sec-WebSocket-Version", "13"),
        ]
        for (name, value) in extra {
            if let index = fields.firstIndex(where: { $0.0.lowercased() == name.lowercased() }) {
                fields[index].1 = value
            } else {
                fields.append((name, value))
            }
        }
        return fields
    }
}

extension RawHTTPResponse {
    /// The body parsed as a JSON object, or nil if it is not one.
    public var jsonObject: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
    }

    /// The media type of `Content-Type` without parameters, lower-cased.
    public var mediaType: String? {
        self[header: "content-type"].map {
            String($0.split(separator: ";", maxSplits: 1).first ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        }
    }
}
