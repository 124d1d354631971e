import Core
import CoreMetrics
import Logging
import Media
import NIOCore

/// One `/v1/media` stream: parses the provider's messages, runs ``MediaStreamStateMachine``, moves
/// events through the receive queue to the call app, and is the app's ``CallControl`` (sending goes
/// through the connection's send queue, which drops the oldest audio and never a mark or clear).
///
/// Runs on the connection's event loop; nothing here blocks or waits on I/O.
final class MediaSession: WebSocketSession, CallControl {
    /// Why the server closed a stream, as a bounded metric label.
    enum CloseReason: String, CaseIterable {
        case stop
        case noStart = "no_start"
        case binaryFrame = "binary_frame"
        case malformedJSON = "malformed_json"
        case unknownApp = "unknown_app"
        case stopBeforeStart = "stop_before_start"
        case hangUp = "hang_up"
    }

    private let configuration: MediaEndpointConfiguration
    private let metrics: MediaMetrics
    private var connection: WebSocketConnection?
    /// Kept apart from the connection: an app's timer may still ask for the loop after the socket is gone.
    private var loop: (any EventLoop)?
    private var machine = MediaStreamStateMachine()
    private var receiveQueue: BoundedQueue<MediaStreamEvent>
    private var app: (name: String, app: any CallApp)?
    private var encoder: TwilioMessageEncoder?
    private var stream: MediaStreamInfo?
    /// The decoded audio of the message being handled; its storage is reused message after message.
    private var audio = ByteBuffer()
    private var startTimer: Scheduled<Void>?
    private var isAppPaused = false
    private var isDraining = false
    private var startedAt = NIODeadline.uptimeNanoseconds(0)
    private var startedAtWall: Int64 = 0
    private var mediaReceived = 0
    private var mediaSent = 0
    private var dtmfDigits = ""
    /// Counted locally and added to the shared counters in batches: one atomic add per
    /// ``metricsBatch`` messages instead of one per message.
    private var unreportedReceived = 0
    private var unreportedSent = 0
    private var reportedLost = 0
    private static let metricsBatch = 50
    private(set) var logger: Logger

    init(configuration: MediaEndpointConfiguration, metrics: MediaMetrics) {
        self.configuration = configuration
        self.metrics = metrics
        self.receiveQueue = BoundedQueue(
            BoundedQueueConfiguration(capacity: configuration.receiveQueueCapacity, policy: .dropOldest))
        self.logger = Logger(label: "switchboard.media")
    }

    // MARK: WebSocketSession

    func opened(_ connection: WebSocketConnection) {
        self.connection = connection
        self.loop = connection.eventLoop
        self.logger = connection.logger
        self.audio = connection.allocator.buffer(capacity: 512)
        self.startTimer = connection.eventLoop.assumeIsolated().scheduleTask(in: self.configuration.startTimeout) {
            self.perform(self.machine.startTimedOut())
        }
    }

    func received(_ message: WebSocketMessage, on connection: WebSocketConnection) {
        guard case .text(let buffer) = message else {
            self.close(.binaryFrame, code: .unsupportedData, reason: "binary frames are not part of the protocol")
            return
        }
        self.audio.clear()
        let parsed: ProviderMessage
        do {
            parsed = try TwilioMessageParser.parse(buffer, audio: &self.audio)
        } catch {
            if error.isMalformedJSON {
                self.close(.malformedJSON, code: .invalidPayload, reason: "\(error)")
            } else {
                self.metrics.malformed.increment()
                self.logger.debug("Skipping a media message", metadata: ["media.error": "\(error)"])
            }
            return
        }
        self.perform(self.machine.receive(parsed))
        if self.machine.sequence.lost > self.reportedLost {
            self.metrics.messagesLost.increment(by: Int64(self.machine.sequence.lost - self.reportedLost))
            self.reportedLost = self.machine.sequence.lost
        }
    }

    func closed(_ info: WebSocketCloseInfo) {
        self.startTimer?.cancel()
        if self.machine.socketClosed() {
            self.finishCall(reason: info.initiator == .peer ? "closed" : "disconnected")
        }
        self.receiveQueue.removeAll()
        self.connection = nil
    }

    // MARK: Actions

    private func perform(_ action: MediaStreamStateMachine.Action) {
        switch action {
        case .none:
            break
        case .start(let info):
            self.start(info)
        case .deliver(let event):
            self.deliver(event)
        case .stop:
            self.finishCall(reason: "stop")
            self.close(.stop, code: .normalClosure, reason: "stream stopped")
        case .ignore(let reason):
            self.metrics.ignored(reason)
        case .close(let cause):
            let label: CloseReason =
                switch cause {
                case .noStart: .noStart
                case .stopBeforeStart: .stopBeforeStart
                }
            self.close(label, code: .policyViolation, reason: cause.rawValue)
        }
    }

    private func start(_ info: MediaStreamInfo) {
        self.startTimer?.cancel()
        self.startTimer = nil
        guard let connection = self.connection else { return }
        guard let app = self.configuration.apps.makeApp(for: info) else {
            let name = info.customParameters["app"] ?? self.configuration.apps.defaultApp
            self.close(.unknownApp, code: .policyViolation, reason: "unknown app '\(name.prefix(64))'")
            return
        }
        self.stream = info
        self.app = app
        self.encoder = TwilioMessageEncoder(streamSid: info.streamSid)
        self.startedAt = connection.eventLoop.now
        self.startedAtWall = self.configuration.wallClock()
        self.logger[metadataKey: "media.stream_sid"] = "\(info.streamSid)"
        self.logger[metadataKey: "media.call_sid"] = "\(info.callSid)"
        self.logger[metadataKey: "media.app"] = "\(app.name)"
        self.metrics.activeStreams.increment()
        self.metrics.streamsStarted.increment()
        self.configuration.eventBus.publish(.call(self.event(.started, at: self.startedAtWall)))
        app.app.started(self)
    }

    private func deliver(_ event: MediaStreamEvent) {
        if case .media = event {
            self.mediaReceived += 1
            self.unreportedReceived += 1
            if self.unreportedReceived >= Self.metricsBatch { self.reportCounts() }
        }
        if self.isAppPaused || !self.receiveQueue.isEmpty {
            var isEssential = true
            if case .media = event { isEssential = false }
            switch self.receiveQueue.append(event, isEssential: isEssential) {
            case .appended: break
            case .appendedDroppingOldest, .droppedNewest, .overflow: self.metrics.receiveDropped.increment()
            }
            return
        }
        self.dispatch(event)
    }

    private func dispatch(_ event: MediaStreamEvent) {
        guard let app = self.app?.app else { return }
        switch event {
        case .media(let frame):
            app.received(frame, call: self)
        case .dtmf(let digit):
            self.dtmfDigits += digit
            self.publish(CallEvent.Update(dtmf: digit))
            app.dtmf(digit, call: self)
        case .mark(let name):
            app.markReceived(name, call: self)
        case .connected, .start, .stop, .unknown:
            break  // handled by the state machine before delivery
        }
    }

    private func finishCall(reason: String) {
        guard let (name, app) = self.app, let connection = self.connection else { return }
        self.app = nil
        self.reportCounts()
        self.metrics.activeStreams.decrement()
        let statistics = connection.queueStatistics
        self.metrics.receiveHighWaterMark.record(self.receiveQueue.highWaterMark)
        self.metrics.sendHighWaterMark.record(statistics.outboundHighWaterMark)
        self.metrics.messagesReordered.increment(by: Int64(self.machine.sequence.reordered))
        let duration = (connection.eventLoop.now - self.startedAt).nanoseconds / 1_000_000
        let summary = CallEvent.Summary(
            durationMilliseconds: duration,
            reason: reason,
            mediaReceived: self.mediaReceived,
            mediaSent: self.mediaSent,
            messagesLost: self.machine.sequence.lost,
            receiveDropped: self.receiveQueue.droppedCount,
            sendDropped: statistics.outboundDropped,
            receiveHighWaterMark: self.receiveQueue.highWaterMark,
            sendHighWaterMark: statistics.outboundHighWaterMark,
            dtmfDigits: self.dtmfDigits
        )
        let ended = self.event(.ended, at: self.configuration.wallClock())
        let bus = self.configuration.eventBus
        let logger = self.logger
        let figures = summary
        app.stopped(call: self).whenComplete { result in
            var ended = ended
            var summary = figures
            if case .success(let report) = result {
                summary.recordingPath = report.recordingPath
                summary.marksPlayed = report.marksPlayed
                summary.marksFlushed = report.marksFlushed
                summary.voiceMilliseconds = report.voiceMilliseconds
                summary.loudestDBFS = report.loudestDBFS
            }
            ended.summary = summary
            logger.info(
                "Call stream ended",
                metadata: [
                    "media.app": "\(name)", "media.reason": "\(reason)", "media.received": "\(summary.mediaReceived)",
                    "media.lost": "\(summary.messagesLost)", "media.send_dropped": "\(summary.sendDropped)",
                ])
            bus.publish(.call(ended))
        }
    }

    private func close(_ label: CloseReason, code: WebSocketCloseCode, reason: String) {
        self.metrics.closed(label)
        self.connection?.close(code, reason: reason)
    }

    private func event(_ kind: CallEvent.Kind, at timestamp: Int64) -> CallEvent {
        let info = self.stream ?? MediaStreamInfo(streamSid: "", callSid: "")
        return CallEvent(
            kind: kind,
            callSid: info.callSid,
            streamSid: info.streamSid,
            accountSid: info.accountSid,
            app: self.app?.name ?? "",
            ticketID: info.customParameters["ticket_id"].map { String($0.prefix(64)) },
            timestampMilliseconds: timestamp
        )
    }

    private func reportCounts() {
        if self.unreportedReceived > 0 {
            self.metrics.mediaReceived.increment(by: Int64(self.unreportedReceived))
            self.unreportedReceived = 0
        }
        if self.unreportedSent > 0 {
            self.metrics.mediaSent.increment(by: Int64(self.unreportedSent))
            self.unreportedSent = 0
        }
    }

    // MARK: CallControl

    var info: MediaStreamInfo {
        // Apps are only created once `start` arrived, so the stream is always known to them.
        self.stream!
    }

    var eventLoop: any EventLoop {
        // Set when the socket opened, before any app exists.
        self.loop!
    }

    var allocator: ByteBufferAllocator { self.connection?.allocator ?? ByteBufferAllocator() }

    var sendQueueDepth: Int { self.connection?.queueStatistics.outboundDepth ?? 0 }

    func sendMedia(_ audio: ByteBuffer) {
        guard let connection, let encoder else { return }
        if connection.send(.text(encoder.media(audio, allocator: connection.allocator))) {
            self.mediaSent += 1
            self.unreportedSent += 1
        }
    }

    func sendMark(_ name: String) {
        guard let connection, let encoder else { return }
        connection.send(.text(encoder.mark(name, allocator: connection.allocator)), isEssential: true)
    }

    func sendClear() {
        guard let connection, let encoder else { return }
        // Audio still queued here would play after the clear: it goes too.
        connection.discardQueuedDroppable()
        connection.send(.text(encoder.clear()), isEssential: true)
    }

    func publish(_ update: CallEvent.Update) {
        var event = self.event(.updated, at: self.configuration.wallClock())
        event.update = update
        self.configuration.eventBus.publish(.call(event))
    }

    func pauseReceiving() {
        self.isAppPaused = true
    }

    func resumeReceiving() {
        self.isAppPaused = false
        guard !self.isDraining else { return }
        self.isDraining = true
        defer { self.isDraining = false }
        while !self.isAppPaused, let event = self.receiveQueue.popFirst() {
            self.dispatch(event)
        }
    }

    func hangUp(reason: String) {
        self.close(.hangUp, code: .normalClosure, reason: reason)
    }

    /// Figures for tests and diagnostics.
    var receiveQueueStatistics: (depth: Int, dropped: Int, highWaterMark: Int) {
        (self.receiveQueue.count, self.receiveQueue.droppedCount, self.receiveQueue.highWaterMark)
    }
}

@available(*, unavailable)
extension MediaSession: Sendable {}
