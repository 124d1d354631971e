/// Finds the payload in a server message without decoding its JSON: the server's echo is
/// `{"event":"media","streamSid":"MZ…","media":{"payload":"…"}}`, and only the first
/// ``FramePayload/encodedHeaderSize`` characters of the payload are needed to match it.
public enum EchoScanner {
    private static let marker: [UInt8] = Array(#""payload":""#.utf8)

    /// The bytes after `"payload":"`, or `nil` when the message has no payload.
    @inline(__always)
    public static func payloadStart(in message: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        let count = message.count
        let markerCount = 11
        guard count >= markerCount else { return nil }
        var position = 0
        let last = count - markerCount
        // The payload sits near the start of every echo, so a plain forward scan on its first
        // byte is cheaper than anything clever.
        while position <= last {
            if message[position] == UInt8(ascii: "\""), message[position + 1] == UInt8(ascii: "p"),
                self.matchesMarker(message, at: position)
            {
                return UnsafeRawBufferPointer(rebasing: message[(position + markerCount)...])
            }
            position += 1
        }
        return nil
    }

    @inline(__always)
    private static func matchesMarker(_ message: UnsafeRawBufferPointer, at position: Int) -> Bool {
        for offset in 2..<11 where message[position + offset] != self.marker[offset] {
            return false
        }
        return true
    }
}
