/// One second of a run, for the progress line on stderr.
public struct LoadProgress: Sendable, Equatable {
    public var elapsedSeconds: Int
    public var callsActive: Int
    public var callsRequested: Int
    public var callsFailed: Int
    public var framesSentPerSecond: Int
    public var framesEchoedPerSecond: Int
    /// p99 of the round trips that ended in this second, in milliseconds.
    public var p99Milliseconds: Double?
    public var serverRSSKiB: Int?

    public init(
        elapsedSeconds: Int, callsActive: Int, callsRequested: Int, callsFailed: Int, framesSentPerSecond: Int,
        framesEchoedPerSecond: Int, p99Milliseconds: Double?, serverRSSKiB: Int?
    ) {
        self.elapsedSeconds = elapsedSeconds
        self.callsActive = callsActive
        self.callsRequested = callsRequested
        self.callsFailed = callsFailed
        self.framesSentPerSecond = framesSentPerSecond
        self.framesEchoedPerSecond = framesEchoedPerSecond
        self.p99Milliseconds = p99Milliseconds
        self.serverRSSKiB = serverRSSKiB
    }

    /// `t=12s calls=480/500 failed=0 sent/s=24000 echoed/s=23990 p99=1.234ms rss=85.3MiB`
    public var line: String {
        var line = "t=\(self.elapsedSeconds)s calls=\(self.callsActive)/\(self.callsRequested)"
        line += " failed=\(self.callsFailed) sent/s=\(self.framesSentPerSecond) echoed/s=\(self.framesEchoedPerSecond)"
        line += " p99=" + (self.p99Milliseconds.map { Self.fixed($0, digits: 3) + "ms" } ?? "-")
        if let rss = self.serverRSSKiB { line += " rss=" + Self.fixed(Double(rss) / 1024, digits: 1) + "MiB" }
        return line
    }

    /// `value` with exactly `digits` decimals, without Foundation's formatter.
    static func fixed(_ value: Double, digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int((value * scale).rounded())
        let whole = scaled / Int(scale)
        let fraction = String(scaled % Int(scale))
        return digits == 0
            ? "\(whole)" : "\(whole)." + String(repeating: "0", count: digits - fraction.count) + fraction
    }
}
