import Foundation

/// The summary of one run, written as one JSON object at the end.
public struct LoadReport: Codable, Sendable {
    public struct Calls: Codable, Sendable, Equatable {
        public var requested: Int
        public var connected: Int
        public var failed: Int
        /// The first failure's text (a refused upgrade, a connect error, a timeout).
        public var firstError: String?
        /// Calls the server closed or dropped before the generator's own close.
        public var endedByServer: Int
        public var slowConsumers: Int
    }

    /// Frames of the calls that kept reading; the slow consumers are in ``SlowConsumers``.
    public struct Frames: Codable, Sendable, Equatable {
        public var perCall: Int
        public var sent: Int
        public var echoed: Int
        /// Sent and never echoed (within the drain wait after the call's last frame).
        public var lost: Int
        /// Due but not written because the socket did not take more (all calls).
        public var withheld: Int
        /// Echoes whose index skipped ahead, and how many frames they skipped.
        public var gaps: Int
        public var skipped: Int
        public var duplicates: Int
        public var outOfOrder: Int
        /// Server text messages that matched no frame.
        public var unmatchedMessages: Int
    }

    public struct SlowConsumers: Codable, Sendable, Equatable {
        public var calls: Int
        public var framesSent: Int
        public var framesEchoed: Int
        public var framesLost: Int
    }

    public struct ServerMemory: Codable, Sendable, Equatable {
        public var pid: Int32
        public var startKiB: Int?
        public var peakKiB: Int?
        public var endKiB: Int?
        /// (end - start) / calls requested.
        public var perCallKiB: Double?
    }

    /// One scraped series: `name{labels}` and its value before and after the run.
    public struct ServerCounter: Codable, Sendable, Equatable {
        public var series: String
        public var start: Double?
        public var end: Double
        public var delta: Double
    }

    public var calls: Calls
    public var frames: Frames
    public var slowConsumers: SlowConsumers
    /// Scheduled send time to echo arrival, calls that kept reading only.
    public var latencyMs: LatencySummary
    public var serverMemory: ServerMemory?
    public var serverCounters: [ServerCounter]
    /// Why the metrics could not be scraped, when they could not.
    public var metricsError: String?
    public var durationSeconds: Double
    public var configuration: LoadGeneratorConfiguration

    public init(
        statistics: LoopStatistics,
        configuration: LoadGeneratorConfiguration,
        durationSeconds: Double,
        serverMemory: ServerMemory? = nil,
        countersBefore: [String: Double]? = nil,
        countersAfter: [String: Double]? = nil,
        metricsError: String? = nil
    ) {
        self.calls = Calls(
            requested: configuration.calls,
            connected: statistics.callsConnected,
            failed: statistics.callsFailed,
            firstError: statistics.firstError,
            endedByServer: statistics.callsEndedByServer,
            slowConsumers: statistics.stalledCalls
        )
        self.frames = Frames(
            perCall: configuration.framesPerCall,
            sent: statistics.framesSent - statistics.stalledFramesSent,
            echoed: statistics.framesEchoed - statistics.stalledFramesEchoed,
            lost: statistics.framesLost,
            withheld: statistics.framesWithheld,
            gaps: statistics.gaps,
            skipped: statistics.skippedFrames,
            duplicates: statistics.duplicates,
            outOfOrder: statistics.outOfOrder,
            unmatchedMessages: statistics.unmatchedMessages
        )
        self.slowConsumers = SlowConsumers(
            calls: statistics.stalledCalls,
            framesSent: statistics.stalledFramesSent,
            framesEchoed: statistics.stalledFramesEchoed,
            framesLost: statistics.stalledFramesLost
        )
        self.latencyMs = LatencySummary(statistics.latency)
        self.serverMemory = serverMemory
        self.serverCounters = (countersAfter ?? [:]).sorted { $0.key < $1.key }.map { series, end in
            let start = countersBefore?[series]
            return ServerCounter(series: series, start: start, end: end, delta: end - (start ?? 0))
        }
        self.metricsError = metricsError
        self.durationSeconds = (durationSeconds * 1000).rounded() / 1000
        self.configuration = configuration
    }

    /// The report as pretty-printed JSON.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Every field is a plain number, string or array: encoding cannot fail.
        let data = (try? encoder.encode(self)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
