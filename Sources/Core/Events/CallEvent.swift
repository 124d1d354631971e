/// A call's lifecycle as the media path reports it: `call.started`, `call.updated` (live level,
/// voice activity, DTMF), `call.ended` (duration, drops, recording). Agents receive these live and
/// the CRM stores them as call rows.
public struct CallEvent: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case started = "call.started"
        case updated = "call.updated"
        case ended = "call.ended"
    }

    public var kind: Kind
    /// The provider's call id (`CA...`). Two streams of one call share it.
    public var callSid: String
    /// The provider's stream id (`MZ...`), unique per media socket.
    public var streamSid: String
    public var accountSid: String?
    /// The call app serving the stream (`echo`, `monitor`, `playback`).
    public var app: String
    /// The CRM ticket the call belongs to, from the stream's `ticket_id` custom parameter.
    public var ticketID: String?
    /// Wall-clock time of the event, milliseconds since the Unix epoch.
    public var timestampMilliseconds: Int64
    /// What `call.updated` carries; empty for the other kinds.
    public var update: Update
    /// What `call.ended` carries; `nil` for the other kinds.
    public var summary: Summary?

    public init(
        kind: Kind,
        callSid: String,
        streamSid: String,
        accountSid: String? = nil,
        app: String,
        ticketID: String? = nil,
        timestampMilliseconds: Int64,
        update: Update = Update(),
        summary: Summary? = nil
    ) {
        self.ticketID = ticketID
        self.kind = kind
        self.callSid = callSid
        self.streamSid = streamSid
        self.accountSid = accountSid
        self.app = app
        self.timestampMilliseconds = timestampMilliseconds
        self.update = update
        self.summary = summary
    }

    /// The live part of `call.updated`.
    public struct Update: Sendable, Hashable {
        /// Inbound level of the last window, dBFS.
        public var levelDBFS: Double?
        /// Whether the caller is speaking.
        public var isVoice: Bool?
        /// A DTMF digit that just arrived.
        public var dtmf: String?
        /// A playback mark the provider echoed, and whether it was played (or flushed by a clear).
        public var mark: String?
        public var markPlayed: Bool?

        public init(
            levelDBFS: Double? = nil,
            isVoice: Bool? = nil,
            dtmf: String? = nil,
            mark: String? = nil,
            markPlayed: Bool? = nil
        ) {
            self.levelDBFS = levelDBFS
            self.isVoice = isVoice
            self.dtmf = dtmf
            self.mark = mark
            self.markPlayed = markPlayed
        }
    }

    /// The figures of a finished stream, as `call.ended` reports them.
    public struct Summary: Sendable, Hashable {
        public var durationMilliseconds: Int64
        /// Why it ended: `stop` (the provider's stop event), `closed` (socket closed without one), ...
        public var reason: String
        public var mediaReceived: Int
        public var mediaSent: Int
        /// Messages the provider numbered but never delivered (sequence-number gaps).
        public var messagesLost: Int
        /// Inbound audio the receive queue dropped.
        public var receiveDropped: Int
        /// Outbound audio the send queue dropped.
        public var sendDropped: Int
        public var receiveHighWaterMark: Int
        public var sendHighWaterMark: Int
        public var dtmfDigits: String
        /// The WAV file written for the call, if the app records.
        public var recordingPath: String?
        /// Playback marks played, and flushed by a `clear`, if the app plays audio.
        public var marksPlayed: Int?
        public var marksFlushed: Int?
        /// How long the caller spoke and the loudest 20 ms window, if the app measures levels.
        public var voiceMilliseconds: Int?
        public var loudestDBFS: Double?

        public init(
            durationMilliseconds: Int64,
            reason: String,
            mediaReceived: Int = 0,
            mediaSent: Int = 0,
            messagesLost: Int = 0,
            receiveDropped: Int = 0,
            sendDropped: Int = 0,
            receiveHighWaterMark: Int = 0,
            sendHighWaterMark: Int = 0,
            dtmfDigits: String = "",
            recordingPath: String? = nil
        ) {
            self.durationMilliseconds = durationMilliseconds
            self.reason = reason
            self.mediaReceived = mediaReceived
            self.mediaSent = mediaSent
            self.messagesLost = messagesLost
            self.receiveDropped = receiveDropped
            self.sendDropped = sendDropped
            self.receiveHighWaterMark = receiveHighWaterMark
            self.sendHighWaterMark = sendHighWaterMark
            self.dtmfDigits = dtmfDigits
            self.recordingPath = recordingPath
        }
    }
}
