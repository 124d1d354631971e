import Core
import Logging
import ServiceLifecycle
import Storage
import Synchronization

/// Writes call rows from the media path's events: `call.started` inserts, `call.ended` completes.
/// The media path only publishes; this service does the blocking database work on its own task,
/// so a slow database never reaches an event loop. Events it cannot keep up with are dropped by the
/// subscription's bounded buffer and counted in the log.
///
/// On graceful shutdown the media sockets drain first, and the `call.ended` events they publish are
/// still in this service's buffer when it is asked to stop; it keeps writing until the events have
/// stopped for ``shutdownQuietPeriod`` (at most ``shutdownLimit``), so those rows are completed
/// instead of staying `active`.
struct CallLogService: Service {
    let store: CRMStore
    /// Subscribed when the service is made, before any service runs, so no early call is missed.
    let subscription: EventSubscription
    let logger: Logger
    /// Events held while the database is slow; about a minute of starts and ends at 1,000 calls.
    static let bufferSize = 4096
    /// How long no event must arrive, after graceful shutdown began, before the log stops.
    var shutdownQuietPeriod: Duration = .milliseconds(200)
    /// The longest the log keeps writing after graceful shutdown began (a slow database).
    var shutdownLimit: Duration = .seconds(5)

    func run() async throws {
        let subscription = self.subscription
        let progress = Progress()
        await withDiscardingTaskGroup { group in
            group.addTask { await self.consume(subscription, progress: progress) }
            // Cancellation (not a graceful shutdown) throws here and stops at once.
            if (try? await gracefulShutdown()) != nil {
                await progress.waitUntilQuiet(for: self.shutdownQuietPeriod, atMost: self.shutdownLimit)
            }
            group.cancelAll()
        }
    }

    /// Writes events until the task is cancelled, which ends the subscription's stream.
    private func consume(_ subscription: EventSubscription, progress: Progress) async {
        var reportedDrops = 0
        for await event in subscription {
            guard case .call(let call) = event, call.kind != .updated else { continue }
            progress.begin()
            await self.record(call)
            progress.end()
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

/// When the call log last wrote a row, and whether it is writing one now.
private final class Progress: Sendable {
    private let state = Mutex<(writing: Bool, last: ContinuousClock.Instant)>((false, .now))

    func begin() { self.state.withLock { $0.writing = true } }

    func end() { self.state.withLock { $0 = (false, .now) } }

    /// Returns once nothing was written for `quiet` since the call (events published just before it
    /// may not have reached the writer yet), or after `limit`.
    func waitUntilQuiet(for quiet: Duration, atMost limit: Duration) async {
        let start = ContinuousClock.now
        let deadline = start + limit
        while ContinuousClock.now < deadline {
            let idleSince = self.state.withLock { $0.writing ? nil : max($0.last, start) }
            if let idleSince, ContinuousClock.now - idleSince >= quiet { return }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
