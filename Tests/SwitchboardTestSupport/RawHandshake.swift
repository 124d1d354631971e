import Foundation

/// The handshake arithmetic of RFC 6455 §4, done independently of the server.
public enum RawHandshake {
    /// The GUID appended to the key before hashing (RFC 6455 §1.3).
    public static let guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    /// A random 16-byte nonce, base64-encoded, for `Sec-WebSocket-Key`.
    public static func randomKey() -> String {
        let nonce = (0..<16).map { _ in UInt8.random(in: .min ... .max) }
        return Data(nonce).base64EncodedString()
    }

    /// The `Sec-WebSocket-Accept` value a server must answer `key` with.
    public static func acceptValue(forKey key: String) -> String {
        Data(TestSHA1.digest(Array((key + guid).utf8))).base64EncodedString()
    }
}
