public import NIOCore

/// Decides when outbound audio frames go out, so that a media stream is sent at real-time speed plus a lead.
///
/// Providers play what they receive through a jitter buffer; sending a little ahead of real time (the *lead*)
/// keeps that buffer from starving when the network or our event loop hiccups, and sending no further ahead keeps
/// it from overflowing and keeps `clear` (barge-in) cheap. The pacer is a pure state machine: the caller reads
/// the clock and passes the time in, so tests drive it with a synthetic clock and NIO timers can be scheduled at
/// ``nextDeadline()`` directly.
///
/// It is deadline based: it counts the media time released since ``start`` and compares it with the real time
/// elapsed since then, so late timer firings are made up on the next call and drift never accumulates. After
/// ``release(now:)``, released media time is the largest whole number of frames not exceeding
/// `now - start + lead`: it trails that target by less than one frame, whatever the timer jitter.
///
/// When the caller falls far behind (the loop stalled for longer than the lead), sending every missed frame at
/// once would hit the provider with a burst it may drop or play garbled. The pacer instead releases one lead's
/// worth of frames (refilling the far end's buffer), moves ``start`` so that it is on schedule again from `now`,
/// and counts the time it gave up on in ``skippedFrames``. It drops no audio itself: the stream simply runs that
/// much later than planned.
public struct Pacer: Sendable, Hashable {
    /// Frame duration and lead.
    public struct Configuration: Sendable, Hashable {
        /// The media time one frame holds. Default 20 ms, the usual telephony packetization (160 mu-law bytes).
        public var frameDuration: TimeAmount
        /// How far ahead of real time the sender may be. Default 100 ms (five 20 ms frames): enough to ride out
        /// a scheduling hiccup, little enough that a `clear` discards at most a tenth of a second at the far end.
        /// Also the largest burst the pacer ever releases at once (never less than one frame).
        public var lead: TimeAmount

        public init(frameDuration: TimeAmount = .milliseconds(20), lead: TimeAmount = .milliseconds(100)) {
            precondition(frameDuration.nanoseconds > 0, "Pacer: the frame duration must be positive")
            precondition(lead.nanoseconds >= 0, "Pacer: the lead cannot be negative")
            self.frameDuration = frameDuration
            self.lead = lead
        }

        /// The most frames released at once: the lead's worth, at least one.
        public var maximumBurst: Int {
            Swift.max(Int(self.lead.nanoseconds / self.frameDuration.nanoseconds), 1)
        }
    }

    public let configuration: Configuration
    /// The instant media time zero corresponds to; moved forward by a stall (see the type's documentation).
    public private(set) var start: NIODeadline
    /// Frames released since ``start`` was last set by ``init(configuration:start:)`` or ``reset(now:)``.
    public private(set) var releasedFrames = 0
    /// Frames' worth of real time given up on after stalls, in total.
    public private(set) var skippedFrames = 0
    /// How many times the pacer fell behind by more than the lead and rebased ``start``.
    public private(set) var stallCount = 0

    /// A pacer whose media time zero is `start`, which typically is now; the first ``release(now:)`` at `start`
    /// releases the lead's worth of frames.
    public init(configuration: Configuration = Configuration(), start: NIODeadline) {
        self.configuration = configuration
        self.start = start
    }

    /// The media time released since ``start``.
    public var releasedMediaTime: TimeAmount {
        .nanoseconds(Int64(self.releasedFrames) * self.configuration.frameDuration.nanoseconds)
    }

    /// Returns how many frames to send now, and counts them as sent.
    ///
    /// Zero when nothing is due yet (including when `now` is before ``start`` or goes backwards); at most
    /// ``Configuration/maximumBurst``.
    public mutating func release(now: NIODeadline) -> Int {
        let due = self.dueFrames(at: now) - self.releasedFrames
        guard due > 0 else {
            return 0
        }
        let burst = self.configuration.maximumBurst
        guard due > burst else {
            self.releasedFrames += due
            return due
        }
        // Stalled: release one lead's worth and put `start` where it would have been had the schedule begun just
        // now, so that `now - start + lead` equals the released media time exactly.
        self.releasedFrames += burst
        self.skippedFrames += due - burst
        self.stallCount += 1
        self.start = now + self.configuration.lead - self.releasedMediaTime
        return burst
    }

    /// The instant the next frame becomes due: a ``release(now:)`` at or after it returns at least one frame,
    /// one before it returns none.
    public func nextDeadline() -> NIODeadline {
        let nextMediaEnd = Int64(self.releasedFrames + 1) * self.configuration.frameDuration.nanoseconds
        return self.start + .nanoseconds(nextMediaEnd - self.configuration.lead.nanoseconds)
    }

    /// Starts over from `now`, as after a `clear` emptied the far end's buffer: the next ``release(now:)`` at
    /// `now` releases the lead's worth of frames again. The stall counters are kept.
    public mutating func reset(now: NIODeadline) {
        self.start = now
        self.releasedFrames = 0
    }

    /// The number of whole frames that fit in `now - start + lead`, never negative.
    private func dueFrames(at now: NIODeadline) -> Int {
        let target = (now - self.start).nanoseconds + self.configuration.lead.nanoseconds
        guard target >= 0 else {
            return 0
        }
        return Int(target / self.configuration.frameDuration.nanoseconds)
    }
}
