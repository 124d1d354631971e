import Core
import Media
public import NIOCore

/// The client side of the RFC 6455 opening handshake: the `GET` with a fresh key, and the check of
/// the server's `101` (status, `Upgrade`, `Connection`, and `Sec-WebSocket-Accept` against the key).
public struct ClientHandshake: Sendable {
    public enum Result: Equatable, Sendable {
        /// The response is not complete yet.
        case incomplete
        /// Upgraded; the response took this many bytes and anything after them is WebSocket.
        case accepted(responseLength: Int)
        case rejected(String)
    }

    /// Responses longer than this are refused rather than buffered.
    static let maxResponseSize = 16 * 1024
    private static let guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    public let key: String
    public let expectedAccept: String

    /// - Parameter keyBytes: 16 random bytes (RFC 6455 section 4.1).
    public init(keyBytes: [UInt8]) {
        self.key = Base64.encode(keyBytes)
        self.expectedAccept = Self.accept(forKey: self.key)
    }

    /// `base64(SHA-1(key + GUID))`.
    public static func accept(forKey key: String) -> String {
        Base64.encode(SHA1Digest.hash(Array((key + Self.guid).utf8)))
    }

    /// Appends the upgrade request.
    public func writeRequest(host: String, port: Int, path: String, into buffer: inout ByteBuffer) {
        let hostHeader = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]:\(port)" : "\(host):\(port)"
        buffer.writeString(
            "GET \(path) HTTP/1.1\r\nHost: \(hostHeader)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: \(self.key)\r\nSec-WebSocket-Version: 13\r\nUser-Agent: switchboard-loadgen\r\n\r\n"
        )
    }

    /// Checks the response at the start of `buffer`'s readable bytes.
    public func check(_ buffer: ByteBuffer) -> Result {
        let view = buffer.readableBytesView
        guard let end = Self.headerEnd(in: view) else {
            return view.count > Self.maxResponseSize ? .rejected("handshake response too large") : .incomplete
        }
        let head = String(decoding: view[view.startIndex..<(view.startIndex + end)], as: UTF8.self)
        var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)[...]
        guard let statusLine = lines.popFirst() else { return .rejected("empty handshake response") }
        let status = statusLine.split(separator: " ", maxSplits: 2)
        guard status.count >= 2, status[0].hasPrefix("HTTP/1.") else {
            return .rejected("not an HTTP response: \(statusLine.prefix(80))")
        }
        guard status[1] == "101" else {
            return .rejected("upgrade refused: HTTP \(statusLine.dropFirst(9).prefix(80))")
        }
        var headers: [String: String] = [:]
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingSpaces()
            headers[name] = headers[name].map { "\($0), \(value)" } ?? value
        }
        guard headers["upgrade"]?.lowercased() == "websocket" else {
            return .rejected("101 without Upgrade: websocket")
        }
        guard
            let connection = headers["connection"]?.lowercased(),
            connection.split(separator: ",").contains(where: { $0.trimmingSpaces() == "upgrade" })
        else { return .rejected("101 without Connection: Upgrade") }
        guard headers["sec-websocket-accept"] == self.expectedAccept else {
            return .rejected("wrong Sec-WebSocket-Accept")
        }
        return .accepted(responseLength: end + 4)
    }

    /// The offset of `\r\n\r\n`, if present.
    private static func headerEnd(in view: ByteBufferView) -> Int? {
        let count = view.count
        guard count >= 4 else { return nil }
        let base = view.startIndex
        for offset in 0...(count - 4)
        where view[base + offset] == 13 && view[base + offset + 1] == 10 && view[base + offset + 2] == 13
            && view[base + offset + 3] == 10
        {
            return offset
        }
        return nil
    }
}

extension StringProtocol {
    fileprivate func trimmingSpaces() -> String {
        String(
            self.drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed()
        )
    }
}
