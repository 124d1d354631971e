/// What one `switchboard loadgen` run does. Every run is bounded: it ends by itself after
/// ramp-up + duration + drain, whatever the server does.
public struct LoadGeneratorConfiguration: Sendable, Codable, Equatable {
    /// A loopback address or `localhost`; anything else is refused (see ``LoopbackAddress``).
    public var host: String = "127.0.0.1"
    public var port: Int = 8080
    /// The WebSocket endpoint the calls upgrade on.
    public var path: String = "/v1/media"
    /// Concurrent calls.
    public var calls: Int = 100
    /// Seconds of media each call sends.
    public var durationSeconds: Double = 30
    /// Call starts are spread evenly over this many seconds.
    public var rampUpSeconds: Double = 5
    /// One media message every this many milliseconds (Twilio sends 20).
    public var frameMilliseconds: Int = 20
    /// Mu-law bytes per media message (160 = 20 ms at 8 kHz).
    public var payloadBytes: Int = 160
    /// Sent as `start.customParameters.app`.
    public var app: String = "echo"
    /// Slow consumers: this many calls stop reading their socket after ``stallAfterSeconds``
    /// but keep sending, so the server's outbound queues for them fill up.
    public var stallCalls: Int = 0
    public var stallAfterSeconds: Double = 2
    /// The server's process id, for sampling its resident memory once a second.
    public var serverPID: Int32?
    /// Scraped on the same host and port before and after the run; `nil` skips the scrape.
    public var metricsPath: String? = "/metrics"
    /// Event loop threads driving the calls.
    public var threads: Int = 1
    /// How long after its last media message a call waits for missing echoes before `stop`.
    public var drainSeconds: Double = 2
    /// How long a call may take from TCP connect to the `101`.
    public var connectTimeoutSeconds: Double = 5

    public init() {}

    /// Media messages each call sends.
    public var framesPerCall: Int {
        Int((self.durationSeconds * 1000 / Double(self.frameMilliseconds)).rounded(.down))
    }

    /// Checks limits and the loopback policy; the first problem is thrown as one line.
    public func validate() throws(LoadGeneratorError) {
        guard LoopbackAddress.isLoopback(self.host) else {
            throw .invalidOption("--host", "\(self.host) is not a loopback address (127.0.0.0/8, localhost or ::1)")
        }
        guard (1...65535).contains(self.port) else { throw .invalidOption("--port", "must be 1...65535") }
        guard self.path.hasPrefix("/"), !self.path.contains(where: { $0 == " " || $0 == "\r" || $0 == "\n" }) else {
            throw .invalidOption("--path", "must start with / and contain no spaces")
        }
        guard (1...100_000).contains(self.calls) else { throw .invalidOption("--calls", "must be 1...100000") }
        guard self.durationSeconds > 0, self.durationSeconds <= 86_400 else {
            throw .invalidOption("--duration", "must be more than 0 and at most 86400 seconds")
        }
        guard self.rampUpSeconds >= 0, self.rampUpSeconds <= 3600 else {
            throw .invalidOption("--ramp-up", "must be 0...3600 seconds")
        }
        guard (1...1000).contains(self.frameMilliseconds) else {
            throw .invalidOption("--frame-ms", "must be 1...1000")
        }
        guard self.framesPerCall >= 1 else { throw .invalidOption("--duration", "shorter than one frame") }
        guard (FramePayload.headerSize...16_000).contains(self.payloadBytes) else {
            throw .invalidOption("--payload-bytes", "must be \(FramePayload.headerSize)...16000")
        }
        guard !self.app.isEmpty, self.app.utf8.count < 500 else {
            throw .invalidOption("--app", "must be 1...499 bytes (a Twilio <Parameter> value)")
        }
        guard (0...self.calls).contains(self.stallCalls) else {
            throw .invalidOption("--stall", "must be 0...calls")
        }
        guard self.stallAfterSeconds >= 0 else { throw .invalidOption("--stall-after", "must be 0 or more") }
        if let serverPID, serverPID <= 0 { throw .invalidOption("--server-pid", "must be a process id") }
        if let metricsPath, !metricsPath.hasPrefix("/") { throw .invalidOption("--metrics-path", "must start with /") }
        guard (1...256).contains(self.threads) else { throw .invalidOption("--threads", "must be 1...256") }
        guard self.drainSeconds >= 0, self.drainSeconds <= 60 else {
            throw .invalidOption("drain", "must be 0...60 seconds")
        }
        guard self.connectTimeoutSeconds > 0 else { throw .invalidOption("connect timeout", "must be positive") }
    }
}
