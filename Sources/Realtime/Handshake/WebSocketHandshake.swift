import Core
import Media
import NIOHTTP1

/// The opening-handshake rules of RFC 6455 section 4.2.1, checked on the request head before any
/// endpoint is consulted.
enum WebSocketHandshake {
    static let magicGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    /// Returns the client's `Sec-WebSocket-Key`, or the rejection the request deserves.
    static func validate(_ head: HTTPRequestHead) -> Result<String, HandshakeRejection> {
        guard head.method == .GET else {
            return .failure(
                HandshakeRejection(
                    status: 405,
                    title: "Method Not Allowed",
                    detail: "a WebSocket upgrade must be a GET request",
                    reason: "bad_request",
                    headers: [.init("Allow", "GET")]
                )
            )
        }
        guard head.version.major > 1 || (head.version.major == 1 && head.version.minor >= 1) else {
            return .failure(.badRequest("a WebSocket upgrade needs HTTP/1.1"))
        }
        guard Self.hasToken("upgrade", in: head.headers[canonicalForm: "connection"]) else {
            return .failure(.badRequest("the Connection header must contain 'Upgrade'"))
        }
        guard Self.hasToken("websocket", in: head.headers[canonicalForm: "upgrade"]) else {
            return .failure(.badRequest("the Upgrade header must be 'websocket'"))
        }
        let versions = head.headers[canonicalForm: "sec-websocket-version"]
        guard versions.count == 1, versions[0] == "13" else {
            return .failure(
                HandshakeRejection(
                    status: 426,
                    title: "Upgrade Required",
                    detail: "only WebSocket version 13 is supported",
                    reason: "unsupported_version",
                    headers: [.init("Sec-WebSocket-Version", "13")]
                )
            )
        }
        let keys = head.headers["Sec-WebSocket-Key"]
        // 24 characters: the key is the padded encoding (RFC 6455 section 4.1), and the decoder also accepts
        // unpadded text.
        guard keys.count == 1, keys[0].utf8.count == 24, let decoded = Base64.decode(keys[0]), decoded.count == 16
        else {
            return .failure(.badRequest("Sec-WebSocket-Key must be one base64-encoded 16-byte value"))
        }
        return .success(keys[0])
    }

    /// The `Sec-WebSocket-Accept` value for a client key.
    static func acceptValue(forKey key: String) -> String {
        Base64.encode(SHA1Digest.hash(Array((key + Self.magicGUID).utf8)))
    }

    private static func hasToken(_ token: String, in values: [Substring]) -> Bool {
        values.contains { $0.lowercased() == token }
    }
}
