public import NIOCore

/// What a telephony provider says on a media stream, normalised: every provider adapter (Twilio
/// today) parses its wire format into these, so the stream state machine and the call apps never
/// see a provider's JSON.
public enum MediaStreamEvent: Sendable {
    /// The provider's hello (Twilio `connected`), before `start`.
    case connected
    /// The stream's metadata; exactly once.
    case start(MediaStreamInfo)
    /// One chunk of caller audio.
    case media(MediaFrame)
    /// A key the caller pressed.
    case dtmf(digit: String)
    /// The provider reached (or flushed) a mark the server sent.
    case mark(name: String)
    /// The stream or the call ended.
    case stop
    /// An event this server does not know; counted and ignored.
    case unknown(name: String)
}

/// One provider message: its event and the provider's sequence number, when it carries one.
public struct ProviderMessage: Sendable {
    public var event: MediaStreamEvent
    public var sequenceNumber: Int?

    public init(event: MediaStreamEvent, sequenceNumber: Int?) {
        self.event = event
        self.sequenceNumber = sequenceNumber
    }
}

/// A chunk of audio as it arrived, decoded from the wire (G.711 bytes, 8 kHz mono for Twilio).
public struct MediaFrame: Sendable {
    public enum Track: Sendable, Hashable {
        case inbound, outbound, other
    }

    public var track: Track
    /// The provider's chunk counter (from 1), if sent.
    public var chunk: Int?
    /// Milliseconds since the stream started, if sent.
    public var timestamp: Int?
    /// The audio bytes in the stream's encoding.
    public var payload: ByteBuffer

    public init(track: Track = .inbound, chunk: Int? = nil, timestamp: Int? = nil, payload: ByteBuffer) {
        self.track = track
        self.chunk = chunk
        self.timestamp = timestamp
        self.payload = payload
    }
}

/// The metadata of a stream, from its `start` event.
public struct MediaStreamInfo: Sendable, Hashable {
    public var accountSid: String?
    public var streamSid: String
    public var callSid: String
    public var tracks: [String]
    /// The `<Parameter>`s of the TwiML `<Stream>`: the only way to pass per-call values.
    public var customParameters: [String: String]
    /// e.g. `audio/x-mulaw`.
    public var encoding: String
    public var sampleRate: Int
    public var channels: Int

    public init(
        accountSid: String? = nil,
        streamSid: String,
        callSid: String,
        tracks: [String] = ["inbound"],
        customParameters: [String: String] = [:],
        encoding: String = "audio/x-mulaw",
        sampleRate: Int = 8000,
        channels: Int = 1
    ) {
        self.accountSid = accountSid
        self.streamSid = streamSid
        self.callSid = callSid
        self.tracks = tracks
        self.customParameters = customParameters
        self.encoding = encoding
        self.sampleRate = sampleRate
        self.channels = channels
    }
}
