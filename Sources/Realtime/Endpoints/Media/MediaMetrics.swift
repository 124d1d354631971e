import CoreMetrics
import Media
import Metrics

/// Media-path metrics, created once per endpoint. Labels are small fixed sets, never stream ids.
/// Send-queue drops are the WebSocket layer's `switchboard_ws_queue_dropped_total{route="/v1/media",
/// queue="outbound"}`; this adds what only the media protocol knows.
struct MediaMetrics: Sendable {
    let activeStreams: Meter
    let streamsStarted: Counter
    let mediaReceived: Counter
    let mediaSent: Counter
    let messagesLost: Counter
    let messagesReordered: Counter
    let receiveDropped: Counter
    let malformed: Counter
    let signatureRejected: Counter
    let receiveHighWaterMark: Recorder
    let sendHighWaterMark: Recorder
    private let ignored: [MediaStreamStateMachine.IgnoredReason: Counter]
    private let closes: [String: Counter]

    init(factory: any MetricsFactory) {
        self.activeStreams = Meter(label: "switchboard_media_streams_active", factory: factory)
        self.streamsStarted = Counter(label: "switchboard_media_streams_started_total", factory: factory)
        self.mediaReceived = Counter(label: "switchboard_media_frames_received_total", factory: factory)
        self.mediaSent = Counter(label: "switchboard_media_frames_sent_total", factory: factory)
        self.messagesLost = Counter(label: "switchboard_media_messages_lost_total", factory: factory)
        self.messagesReordered = Counter(label: "switchboard_media_messages_reordered_total", factory: factory)
        self.receiveDropped = Counter(
            label: "switchboard_media_queue_dropped_total", dimensions: [("queue", "receive")], factory: factory)
        self.malformed = Counter(label: "switchboard_media_messages_malformed_total", factory: factory)
        self.signatureRejected = Counter(label: "switchboard_media_signature_rejected_total", factory: factory)
        self.receiveHighWaterMark = Recorder(
            label: "switchboard_media_queue_high_water_frames", dimensions: [("queue", "receive")], factory: factory)
        self.sendHighWaterMark = Recorder(
            label: "switchboard_media_queue_high_water_frames", dimensions: [("queue", "send")], factory: factory)
        var ignored: [MediaStreamStateMachine.IgnoredReason: Counter] = [:]
        for reason in MediaStreamStateMachine.IgnoredReason.allCases {
            ignored[reason] = Counter(
                label: "switchboard_media_messages_ignored_total", dimensions: [("reason", reason.rawValue)],
                factory: factory)
        }
        self.ignored = ignored
        var closes: [String: Counter] = [:]
        for reason in MediaSession.CloseReason.allCases {
            closes[reason.rawValue] = Counter(
                label: "switchboard_media_stream_closes_total", dimensions: [("reason", reason.rawValue)],
                factory: factory)
        }
        self.closes = closes
    }

    func ignored(_ reason: MediaStreamStateMachine.IgnoredReason) {
        self.ignored[reason]?.increment()
    }

    func closed(_ reason: MediaSession.CloseReason) {
        self.closes[reason.rawValue]?.increment()
    }
}
