public import NIOCore

/// The JSON text messages a Twilio Media Stream sends, written straight into a `ByteBuffer` from
/// fixed fragments: every number is a JSON string, as Twilio sends it, and a media message costs
/// no allocation and no JSON encoder.
public enum TwilioClientMessages {
    /// `{"event":"connected","protocol":"Call","version":"1.0.0"}`, always first.
    public static func writeConnected(into buffer: inout ByteBuffer) {
        buffer.writeStaticString(#"{"event":"connected","protocol":"Call","version":"1.0.0"}"#)
    }

    /// The `start` message, sequence number 1, with `app` as the one custom parameter.
    public static func writeStart(_ identity: CallIdentity, app: String, into buffer: inout ByteBuffer) {
        buffer.writeStaticString(#"{"event":"start","sequenceNumber":"1","start":{"accountSid":"#)
        self.writeJSONString(identity.accountSid, into: &buffer)
        buffer.writeStaticString(#","streamSid":"#)
        self.writeJSONString(identity.streamSid, into: &buffer)
        buffer.writeStaticString(#","callSid":"#)
        self.writeJSONString(identity.callSid, into: &buffer)
        buffer.writeStaticString(#","tracks":["inbound"],"customParameters":{"app":"#)
        self.writeJSONString(app, into: &buffer)
        buffer.writeStaticString(
            #"},"mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1}},"streamSid":"#)
        self.writeJSONString(identity.streamSid, into: &buffer)
        buffer.writeStaticString("}")
    }

    /// One `media` message. The hot path: fixed fragments, integers written as ASCII digits, the
    /// payload's tail pre-encoded.
    @inline(__always)
    public static func writeMedia(
        sequenceNumber: Int,
        chunk: Int,
        timestampMilliseconds: Int,
        frame: Int,
        payload: FramePayload,
        streamSid: [UInt8],
        into buffer: inout ByteBuffer
    ) {
        buffer.writeStaticString(#"{"event":"media","sequenceNumber":""#)
        self.writeDecimal(sequenceNumber, into: &buffer)
        buffer.writeStaticString(#"","media":{"track":"inbound","chunk":""#)
        self.writeDecimal(chunk, into: &buffer)
        buffer.writeStaticString(#"","timestamp":""#)
        self.writeDecimal(timestampMilliseconds, into: &buffer)
        buffer.writeStaticString(#"","payload":""#)
        payload.writeEncoded(frame: frame, into: &buffer)
        buffer.writeStaticString(#""},"streamSid":""#)
        buffer.writeBytes(streamSid)
        buffer.writeStaticString(#""}"#)
    }

    /// The `stop` message that ends the stream.
    public static func writeStop(sequenceNumber: Int, _ identity: CallIdentity, into buffer: inout ByteBuffer) {
        buffer.writeStaticString(#"{"event":"stop","sequenceNumber":""#)
        self.writeDecimal(sequenceNumber, into: &buffer)
        buffer.writeStaticString(#"","streamSid":"#)
        self.writeJSONString(identity.streamSid, into: &buffer)
        buffer.writeStaticString(#","stop":{"accountSid":"#)
        self.writeJSONString(identity.accountSid, into: &buffer)
        buffer.writeStaticString(#","callSid":"#)
        self.writeJSONString(identity.callSid, into: &buffer)
        buffer.writeStaticString("}}")
    }

    /// Writes a non-negative integer in decimal without building a `String`.
    @inline(__always)
    public static func writeDecimal(_ value: Int, into buffer: inout ByteBuffer) {
        precondition(value >= 0)
        var digits = 1
        var rest = value / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: digits) { target in
            var remaining = value
            var position = digits - 1
            while position >= 0 {
                target[position] = UInt8(truncatingIfNeeded: 48 + remaining % 10)
                remaining /= 10
                position -= 1
            }
            return digits
        }
    }

    /// A JSON string literal, for the few messages that carry values from the command line.
    static func writeJSONString(_ value: String, into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                buffer.writeInteger(UInt8(ascii: "\\"))
                buffer.writeInteger(byte)
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                buffer.writeStaticString("\\u00")
                buffer.writeInteger(hex[Int(byte >> 4)])
                buffer.writeInteger(hex[Int(byte & 0x0F)])
            default:
                buffer.writeInteger(byte)
            }
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }
}
