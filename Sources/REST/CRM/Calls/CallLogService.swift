import Core
import Logging
import ServiceLifecycle
import Storage

/// Writes call rows from the media path's events: `call.started` inserts, `call.ended` completes.
/// The media path only publishes; this service does the blocking database work on its own task,
/// so a slow database never reaches an event loop. Events it cannot keep up with are dropped by the
/// subscription's bounded buffer and counted in the log.
struct CallLogService: Service {
    let store: CRMStore
    let eventBus: any EventBus
    let logger: Logger
    /// Events held while the database is slow; about a minute of starts and ends at 1,000 calls.
    var bufferSize = 4096

    func run() async throws {
        let subscription = self.eventBus.subscribe(bufferSize: self.bufferSize)
        var reportedDrops = 0
        for await event in subscription.cancelOnGracefulShutdown() {
            guard case .call(let call) = event, call.kind != .updated else { continue }
            await self.record(call)
            let dropped = subscription.dropped
            if dropped > reportedDrops {
                self.logger.warning(
                    "Call log fell behind; events were dropped", metadata: ["crm.dropped": "\(dropped)"])
                reportedDrops = dropped
            }
        }
    }

    func record(_ call: CallEvent) async {
        let start = CallStart(
            callSid: call.callSid, streamSid: call.streamSid, accountSid: call.accountSid, app: call.app,
            startedAt: Timestamp(milliseconds: call.timestampMilliseconds - (call.summary?.durationMilliseconds ?? 0)),
            ticketID: call.ticketID)
        do {
            if let summary = call.summary, call.kind == .ended {
                try await self.store.recordCallEnded(
                    CallEnd(
                        streamSid: call.streamSid, endedAt: Timestamp(milliseconds: call.timestampMilliseconds),
                        durationMilliseconds: summary.durationMilliseconds, reason: summary.reason,
                        mediaReceived: Int64(summary.mediaReceived), mediaSent: Int64(summary.mediaSent),
                        messagesLost: Int64(summary.messagesLost), receiveDropped: Int64(summary.receiveDropped),
                        sendDropped: Int64(summary.sendDropped), dtmf: summary.dtmfDigits,
                        recordingPath: summary.recordingPath),
                    start: start)
            } else {
                try await self.store.recordCallStarted(start)
            }
        } catch {
            self.logger.error(
                "Could not write the call row",
                metadata: ["media.stream_sid": "\(call.streamSid)", "error": "\(error)"])
        }
    }
}
