import Core
public import NIOCore

/// Reads Twilio Media Streams messages (PROTOCOLS.md section 1) into ``ProviderMessage``s.
///
/// It accepts what real providers send, not only the documented shape: keys in any order, numbers
/// as JSON strings or as numbers, missing optional fields, extra fields, escaped characters
/// (`\/` in base64 from some JSON encoders) and unknown events. The media payload is base64-decoded
/// straight into a buffer the caller owns, so a steady stream allocates nothing per message.
public enum TwilioMessageParser {
    /// Parses one text message.
    /// - Parameter audio: a `media` event's decoded audio is appended here; the returned frame's
    ///   payload is this buffer (the caller clears it before the next message and gets its storage
    ///   back once the frame is released).
    public static func parse(_ message: ByteBuffer, audio: inout ByteBuffer) throws(TwilioParseError)
        -> ProviderMessage
    {
        let result = message.withUnsafeReadableBytes { bytes in
            Result { () throws(TwilioParseError) in try Self.parse(bytes: bytes, audio: &audio) }
        }
        return try result.get()
    }

    /// The fields of interest, located during one pass over the message.
    private struct Fields {
        var event: JSONToken?
        var sequenceNumber: Int?
        var streamSid: JSONToken?
        var track: JSONToken?
        var chunk: Int?
        var timestamp: Int?
        var payload: JSONToken?
        var start = StartFields()
        var dtmfDigit: JSONToken?
        var markName: JSONToken?
    }

    private struct StartFields {
        var accountSid: JSONToken?
        var streamSid: JSONToken?
        var callSid: JSONToken?
        var tracks: [String] = []
        var customParameters: [String: String] = [:]
        var encoding: JSONToken?
        var sampleRate: Int?
        var channels: Int?
    }

    static func parse(bytes: UnsafeRawBufferPointer, audio: inout ByteBuffer) throws(TwilioParseError)
        -> ProviderMessage
    {
        var scanner = JSONScanner(bytes)
        guard scanner.peekIsObject() else { throw .notAnObject }
        var fields = Fields()
        do throws(JSONScanError) {
            try scanner.readObject { (scanner, key) throws(JSONScanError) in
                try Self.readTopLevel(key, scanner: &scanner, bytes: bytes, into: &fields)
            }
            try scanner.finish()
        } catch {
            throw .json(error)
        }
        guard let event = fields.event, event.kind == .string else { throw .missingField("event") }
        return ProviderMessage(
            event: try Self.event(named: event, fields: fields, bytes: bytes, audio: &audio),
            sequenceNumber: fields.sequenceNumber
        )
    }

    private static func event(
        named event: JSONToken,
        fields: Fields,
        bytes: UnsafeRawBufferPointer,
        audio: inout ByteBuffer
    ) throws(TwilioParseError) -> MediaStreamEvent {
        if event.equals("media", in: bytes) {
            guard let payload = fields.payload, payload.kind == .string else { throw .missingField("media.payload") }
            try Self.decodePayload(payload, bytes: bytes, into: &audio)
            return .media(
                MediaFrame(
                    track: Self.track(fields.track, bytes: bytes),
                    chunk: fields.chunk,
                    timestamp: fields.timestamp,
                    payload: audio
                ))
        }
        if event.equals("start", in: bytes) {
            let start = fields.start
            guard
                let streamSid = Self.text(start.streamSid, bytes: bytes) ?? Self.text(fields.streamSid, bytes: bytes),
                !streamSid.isEmpty
            else { throw .missingField("start.streamSid") }
            return .start(
                MediaStreamInfo(
                    accountSid: Self.text(start.accountSid, bytes: bytes),
                    streamSid: streamSid,
                    // A stream without a call id is still served; the stream id stands in for it.
                    callSid: Self.text(start.callSid, bytes: bytes) ?? streamSid,
                    tracks: start.tracks.isEmpty ? ["inbound"] : start.tracks,
                    customParameters: start.customParameters,
                    encoding: Self.text(start.encoding, bytes: bytes) ?? "audio/x-mulaw",
                    sampleRate: start.sampleRate ?? 8000,
                    channels: start.channels ?? 1
                ))
        }
        if event.equals("dtmf", in: bytes) {
            guard let digit = Self.text(fields.dtmfDigit, bytes: bytes), !digit.isEmpty else {
                throw .missingField("dtmf.digit")
            }
            return .dtmf(digit: digit)
        }
        if event.equals("mark", in: bytes) {
            guard let name = Self.text(fields.markName, bytes: bytes) else { throw .missingField("mark.name") }
            return .mark(name: name)
        }
        if event.equals("stop", in: bytes) { return .stop }
        if event.equals("connected", in: bytes) { return .connected }
        return .unknown(name: event.string(in: bytes))
    }

    // MARK: Objects

    private static func readTopLevel(
        _ key: JSONToken,
        scanner: inout JSONScanner,
        bytes: UnsafeRawBufferPointer,
        into fields: inout Fields
    ) throws(JSONScanError) {
        if key.equals("event", in: bytes) {
            fields.event = try scanner.readScalar()
        } else if key.equals("sequenceNumber", in: bytes) {
            fields.sequenceNumber = try scanner.readScalar()?.integer(in: bytes)
        } else if key.equals("streamSid", in: bytes) {
            fields.streamSid = try scanner.readScalar()
        } else if key.equals("media", in: bytes), scanner.peekIsObject() {
            try scanner.readObject(depth: 1) { (scanner, key) throws(JSONScanError) in
                if key.equals("payload", in: bytes) {
                    fields.payload = try scanner.readScalar(depth: 1)
                } else if key.equals("track", in: bytes) {
                    fields.track = try scanner.readScalar(depth: 1)
                } else if key.equals("chunk", in: bytes) {
                    fields.chunk = try scanner.readScalar(depth: 1)?.integer(in: bytes)
                } else if key.equals("timestamp", in: bytes) {
                    fields.timestamp = try scanner.readScalar(depth: 1)?.integer(in: bytes)
                } else {
                    try scanner.skipValue(depth: 1)
                }
            }
        } else if key.equals("start", in: bytes), scanner.peekIsObject() {
            try Self.readStart(scanner: &scanner, bytes: bytes, into: &fields.start)
        } else if key.equals("dtmf", in: bytes), scanner.peekIsObject() {
            try scanner.readObject(depth: 1) { (scanner, key) throws(JSONScanError) in
                if key.equals("digit", in: bytes) {
                    fields.dtmfDigit = try scanner.readScalar(depth: 1)
                } else {
                    try scanner.skipValue(depth: 1)
                }
            }
        } else if key.equals("mark", in: bytes), scanner.peekIsObject() {
            try scanner.readObject(depth: 1) { (scanner, key) throws(JSONScanError) in
                if key.equals("name", in: bytes) {
                    fields.markName = try scanner.readScalar(depth: 1)
                } else {
                    try scanner.skipValue(depth: 1)
                }
            }
        } else {
            try scanner.skipValue()
        }
    }

    private static func readStart(
        scanner: inout JSONScanner,
        bytes: UnsafeRawBufferPointer,
        into start: inout StartFields
    ) throws(JSONScanError) {
        try scanner.readObject(depth: 1) { (scanner, key) throws(JSONScanError) in
            if key.equals("accountSid", in: bytes) {
                start.accountSid = try scanner.readScalar(depth: 1)
            } else if key.equals("streamSid", in: bytes) {
                start.streamSid = try scanner.readScalar(depth: 1)
            } else if key.equals("callSid", in: bytes) {
                start.callSid = try scanner.readScalar(depth: 1)
            } else if key.equals("tracks", in: bytes), !scanner.peekIsObject() {
                try Self.readStringArray(scanner: &scanner, bytes: bytes, into: &start.tracks)
            } else if key.equals("customParameters", in: bytes), scanner.peekIsObject() {
                try scanner.readObject(depth: 2) { (scanner, name) throws(JSONScanError) in
                    if let value = try scanner.readScalar(depth: 2), value.kind != .null {
                        start.customParameters[name.string(in: bytes)] = value.string(in: bytes)
                    }
                }
            } else if key.equals("mediaFormat", in: bytes), scanner.peekIsObject() {
                try scanner.readObject(depth: 2) { (scanner, key) throws(JSONScanError) in
                    if key.equals("encoding", in: bytes) {
                        start.encoding = try scanner.readScalar(depth: 2)
                    } else if key.equals("sampleRate", in: bytes) {
                        start.sampleRate = try scanner.readScalar(depth: 2)?.integer(in: bytes)
                    } else if key.equals("channels", in: bytes) {
                        start.channels = try scanner.readScalar(depth: 2)?.integer(in: bytes)
                    } else {
                        try scanner.skipValue(depth: 2)
                    }
                }
            } else {
                try scanner.skipValue(depth: 1)
            }
        }
    }

    /// `["inbound"]`; a lone string is taken as a one-element list, other values are skipped.
    private static func readStringArray(
        scanner: inout JSONScanner,
        bytes: UnsafeRawBufferPointer,
        into output: inout [String]
    ) throws(JSONScanError) {
        guard scanner.peekIsArray() else {
            if let token = try scanner.readScalar(depth: 1), token.kind == .string {
                output.append(token.string(in: bytes))
            }
            return
        }
        try scanner.readArray(depth: 2) { (scanner) throws(JSONScanError) in
            if let token = try scanner.readScalar(depth: 2), token.kind == .string {
                output.append(token.string(in: bytes))
            }
        }
    }

    // MARK: Values

    private static func decodePayload(
        _ token: JSONToken,
        bytes: UnsafeRawBufferPointer,
        into audio: inout ByteBuffer
    ) throws(TwilioParseError) {
        let result: Result<Void, Base64Error>
        if token.hasEscapes {
            result = token.unescapedBytes(in: bytes).withUnsafeBytes { text in
                Result { () throws(Base64Error) in try Base64.decode(text, into: &audio) }
            }
        } else {
            result = Result { () throws(Base64Error) in
                try Base64.decode(UnsafeRawBufferPointer(rebasing: bytes[token.range]), into: &audio)
            }
        }
        if case .failure(let error) = result {
            throw .invalidPayload("\(error)")
        }
    }

    private static func track(_ token: JSONToken?, bytes: UnsafeRawBufferPointer) -> MediaFrame.Track {
        guard let token else { return .inbound }
        if token.equals("inbound", in: bytes) || token.equals("inbound_track", in: bytes) { return .inbound }
        if token.equals("outbound", in: bytes) || token.equals("outbound_track", in: bytes) { return .outbound }
        return .other
    }

    /// A scalar as text: strings decoded, numbers and booleans as written, `null` as absent.
    private static func text(_ token: JSONToken?, bytes: UnsafeRawBufferPointer) -> String? {
        guard let token, token.kind != .null else { return nil }
        return token.string(in: bytes)
    }
}
