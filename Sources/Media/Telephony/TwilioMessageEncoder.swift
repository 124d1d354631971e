import Core
public import NIOCore

/// Writes the server's Twilio messages (`media`, `mark`, `clear`) for one stream.
///
/// The JSON around the payload is fixed per stream, so it is built once and each media message is
/// one allocation: prefix, base64 payload, suffix, written into a buffer of exactly the right size.
public struct TwilioMessageEncoder: Sendable {
    private let mediaPrefix: ByteBuffer
    private let markPrefix: ByteBuffer
    private let clearMessage: ByteBuffer
    private static let mediaSuffix: StaticString = "\"}}"
    private static let markSuffix: StaticString = "\"}}"

    public init(streamSid: String) {
        var media = ByteBuffer()
        media.writeStaticString("{\"event\":\"media\",\"streamSid\":\"")
        media.writeJSONEscaped(streamSid)
        media.writeStaticString("\",\"media\":{\"payload\":\"")
        self.mediaPrefix = media
        var mark = ByteBuffer()
        mark.writeStaticString("{\"event\":\"mark\",\"streamSid\":\"")
        mark.writeJSONEscaped(streamSid)
        mark.writeStaticString("\",\"mark\":{\"name\":\"")
        self.markPrefix = mark
        var clear = ByteBuffer()
        clear.writeStaticString("{\"event\":\"clear\",\"streamSid\":\"")
        clear.writeJSONEscaped(streamSid)
        clear.writeStaticString("\"}")
        self.clearMessage = clear
    }

    /// A `media` message carrying `audio` (raw G.711 bytes, base64-encoded here).
    public func media(_ audio: ByteBuffer, allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(
            capacity: self.mediaPrefix.readableBytes + Base64.encodedLength(audio.readableBytes)
                + Self.mediaSuffix.utf8CodeUnitCount)
        buffer.writeImmutableBuffer(self.mediaPrefix)
        Base64.encode(audio, into: &buffer)
        buffer.writeStaticString(Self.mediaSuffix)
        return buffer
    }

    /// A `mark` message: the provider echoes `name` once the audio sent before it has played.
    public func mark(_ name: String, allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: self.markPrefix.readableBytes + name.utf8.count + 8)
        buffer.writeImmutableBuffer(self.markPrefix)
        buffer.writeJSONEscaped(name)
        buffer.writeStaticString(Self.markSuffix)
        return buffer
    }

    /// A `clear` message: the provider drops the audio it has buffered and echoes pending marks.
    public func clear() -> ByteBuffer {
        self.clearMessage
    }
}
