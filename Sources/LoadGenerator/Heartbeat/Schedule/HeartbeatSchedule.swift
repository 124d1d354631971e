/// The open-loop heartbeat plan: session `i` of `S` beats at `i * interval / S` into every interval,
/// so the phases are spread evenly and the load is a steady `S / interval` heartbeats per second
/// instead of bursts.
///
/// Each time is rounded down to a multiple of `tick`: the generator sends what is due once per
/// tick, and a beat placed between two ticks would wait in the generator until the next one, up to
/// a whole tick counted as the server's latency. The server sees the same load either way.
///
/// Times are nanoseconds on the run's clock (0 is when the sessions phase starts). A beat is due at
/// its scheduled time whether or not earlier ones were answered, and latency is measured from that
/// time, so a server that stalls cannot hide behind a generator that waits (coordinated omission).
public struct HeartbeatSchedule: Sendable, Equatable {
    public let sessions: Int
    public let intervalNanoseconds: UInt64
    public let tickNanoseconds: UInt64

    /// - Parameter tickNanoseconds: must divide the interval.
    public init(sessions: Int, intervalNanoseconds: UInt64, tickNanoseconds: UInt64 = 1) {
        precondition(sessions > 0 && intervalNanoseconds > 0 && tickNanoseconds > 0)
        precondition(intervalNanoseconds % tickNanoseconds == 0, "the tick must divide the interval")
        self.sessions = sessions
        self.intervalNanoseconds = intervalNanoseconds
        self.tickNanoseconds = tickNanoseconds
    }

    /// Where in each interval session `index` beats.
    @inline(__always)
    public func offsetNanoseconds(ofSession index: Int) -> UInt64 {
        let product = UInt64(index).multipliedFullWidth(by: self.intervalNanoseconds)
        let even = UInt64(self.sessions).dividingFullWidth(product).quotient
        return even - even % self.tickNanoseconds
    }

    /// When session `index` beats for the `round`-th time (round 0 in the first interval).
    @inline(__always)
    public func scheduledNanoseconds(round: Int, session index: Int) -> UInt64 {
        UInt64(round) * self.intervalNanoseconds + self.offsetNanoseconds(ofSession: index)
    }

    /// Heartbeats per second: sessions / interval.
    public var beatsPerSecond: Double { Double(self.sessions) * 1e9 / Double(self.intervalNanoseconds) }

    /// How many beats, over all sessions and rounds, are scheduled before `time`.
    public func beats(before time: UInt64) -> Int {
        let rounds = time / self.intervalNanoseconds
        // A rounded-down time t is below `rest` exactly when the unrounded one is below `rest`
        // rounded up to a tick: both say "t is at most the last tick before rest".
        let unrounded = time % self.intervalNanoseconds
        let rest = (unrounded + self.tickNanoseconds - 1) / self.tickNanoseconds * self.tickNanoseconds
        // offset(i) < rest  <=>  i * interval / S < rest  <=>  i < rest * S / interval (rounded up).
        let product = rest.multipliedFullWidth(by: UInt64(self.sessions))
        let (quotient, remainder) = self.intervalNanoseconds.dividingFullWidth(product)
        return Int(rounds) * self.sessions + Int(quotient) + (remainder > 0 ? 1 : 0)
    }

    /// How many beats are scheduled in `[start, end)`.
    public func beats(from start: UInt64, to end: UInt64) -> Int {
        end > start ? self.beats(before: end) - self.beats(before: start) : 0
    }
}

/// Walks the beats of some of a schedule's sessions (one event loop's share) in time order.
public struct HeartbeatCursor: Sendable {
    /// One due beat: `local` is the position in the cursor's session list.
    public struct Beat: Sendable, Equatable {
        public var local: Int
        public var scheduledNanoseconds: UInt64
    }

    public let schedule: HeartbeatSchedule
    /// The global session indices walked, ascending.
    public let sessions: [Int]
    public private(set) var round = 0
    private var position = 0

    public init(schedule: HeartbeatSchedule, sessions: [Int]) {
        precondition(zip(sessions, sessions.dropFirst()).allSatisfy { $0 < $1 }, "sessions must ascend")
        precondition(sessions.allSatisfy { (0..<schedule.sessions).contains($0) })
        self.schedule = schedule
        self.sessions = sessions
    }

    /// The sessions `i` with `i % threads == thread`: one loop's share, whose phases interleave
    /// with the other loops' so that each loop carries an even load too.
    public static func share(of schedule: HeartbeatSchedule, thread: Int, threads: Int) -> Self {
        Self(schedule: schedule, sessions: Array(stride(from: thread, to: schedule.sessions, by: threads)))
    }

    /// When the next beat is scheduled (`nil` without sessions).
    public var nextScheduledNanoseconds: UInt64? {
        self.sessions.isEmpty
            ? nil : self.schedule.scheduledNanoseconds(round: self.round, session: self.sessions[self.position])
    }

    /// The next beat if it is scheduled at or before `now` and before `end`, and moves past it.
    public mutating func next(dueBy now: UInt64, before end: UInt64) -> Beat? {
        guard let scheduled = self.nextScheduledNanoseconds, scheduled <= now, scheduled < end else { return nil }
        let beat = Beat(local: self.position, scheduledNanoseconds: scheduled)
        self.position += 1
        if self.position == self.sessions.count {
            self.position = 0
            self.round += 1
        }
        return beat
    }
}
