/// When each call of a run starts, on a grid of one tick (1 ms).
///
/// Call `c` of `n` is planned at `c * rampUp / n`, rounded down to the tick. Its media clock then
/// runs in steps of one frame from that planned start, so the call always belongs to the same
/// phase (`startTick % ticksPerFrame`) and the driver only looks at one phase per tick.
public struct RunPlan: Sendable, Equatable {
    public static let tickNanoseconds: UInt64 = 1_000_000

    public let calls: Int
    public let rampUpNanoseconds: UInt64
    public let frameNanoseconds: UInt64
    public let framesPerCall: Int

    public init(calls: Int, rampUpNanoseconds: UInt64, frameMilliseconds: Int, framesPerCall: Int) {
        precondition(calls > 0 && frameMilliseconds > 0 && framesPerCall > 0)
        self.calls = calls
        self.rampUpNanoseconds = rampUpNanoseconds
        self.frameNanoseconds = UInt64(frameMilliseconds) * Self.tickNanoseconds
        self.framesPerCall = framesPerCall
    }

    public init(_ configuration: LoadGeneratorConfiguration) {
        self.init(
            calls: configuration.calls,
            rampUpNanoseconds: UInt64(configuration.rampUpSeconds * 1e9),
            frameMilliseconds: configuration.frameMilliseconds,
            framesPerCall: configuration.framesPerCall
        )
    }

    /// Ticks in one frame: the number of phases.
    public var ticksPerFrame: Int { Int(self.frameNanoseconds / Self.tickNanoseconds) }

    /// The tick at which call `index` connects: its even share of the ramp-up, moved forward (by
    /// less than a frame) onto phase `index % ticksPerFrame`, so that every tick serves the same
    /// number of calls whatever the ramp-up and call count.
    public func startTick(ofCall index: Int) -> Int {
        let rampTicks = self.rampUpNanoseconds / Self.tickNanoseconds
        let base = Int(UInt64(index) * rampTicks / UInt64(self.calls))
        let phases = self.ticksPerFrame
        return base + ((index % phases) - (base % phases) + phases) % phases
    }

    /// The phase a call's frames fall on.
    public func phase(ofCall index: Int) -> Int {
        self.startTick(ofCall: index) % self.ticksPerFrame
    }

    /// The schedule of a call whose WebSocket became ready at `readyNanoseconds` (run-relative),
    /// having been planned at `startTick`: media starts on the first frame boundary of its phase
    /// after it was ready, so a slow handshake delays the whole call rather than bunching its
    /// first frames.
    public func schedule(startTick: Int, readyNanoseconds: UInt64) -> CallSchedule {
        let planned = UInt64(startTick) * Self.tickNanoseconds
        let late = readyNanoseconds > planned ? readyNanoseconds - planned : 0
        let frames = max(1, (late + self.frameNanoseconds - 1) / self.frameNanoseconds)
        return CallSchedule(
            mediaStartNanoseconds: planned + frames * self.frameNanoseconds,
            frameNanoseconds: self.frameNanoseconds,
            frames: self.framesPerCall
        )
    }

    /// Run-relative time by which every call has sent its last frame, if every handshake took
    /// at most `handshakeNanoseconds`.
    public func lastFrameNanoseconds(handshakeNanoseconds: UInt64) -> UInt64 {
        let latest = (max(0, self.calls - self.ticksPerFrame)..<self.calls).map(self.startTick(ofCall:)).max() ?? 0
        let lastStart = UInt64(latest) * Self.tickNanoseconds
        return lastStart + handshakeNanoseconds + self.frameNanoseconds * UInt64(self.framesPerCall + 1)
    }
}

/// The open-loop schedule of one call: frame `k` is due at `mediaStart + k * frame`, whether or
/// not earlier frames were echoed, sent late, or sent at all. Latency is measured from this
/// time, so a stalled sender cannot hide a slow server (coordinated omission).
public struct CallSchedule: Sendable, Equatable {
    /// Run-relative nanoseconds of frame 0.
    public let mediaStartNanoseconds: UInt64
    public let frameNanoseconds: UInt64
    public let frames: Int

    public init(mediaStartNanoseconds: UInt64, frameNanoseconds: UInt64, frames: Int) {
        self.mediaStartNanoseconds = mediaStartNanoseconds
        self.frameNanoseconds = frameNanoseconds
        self.frames = frames
    }

    @inline(__always)
    public func scheduledNanoseconds(ofFrame index: Int) -> UInt64 {
        self.mediaStartNanoseconds &+ UInt64(truncatingIfNeeded: index) &* self.frameNanoseconds
    }

    /// How many frames are due by `now` (run-relative), at most ``frames``.
    @inline(__always)
    public func framesDue(by now: UInt64) -> Int {
        guard now >= self.mediaStartNanoseconds else { return 0 }
        let due = (now - self.mediaStartNanoseconds) / self.frameNanoseconds + 1
        return due >= UInt64(self.frames) ? self.frames : Int(due)
    }

    /// When the last frame is due.
    public var lastFrameNanoseconds: UInt64 { self.scheduledNanoseconds(ofFrame: self.frames - 1) }

    /// The media timestamp Twilio puts on frame `index`: milliseconds since the stream started.
    public func timestampMilliseconds(ofFrame index: Int) -> Int {
        Int(UInt64(index) * self.frameNanoseconds / 1_000_000)
    }
}
