import Core
import Logging
public import NIOCore
public import NIOPosix

/// `monitor`: listens to the caller without talking back. Measures level and voice activity per
/// 20 ms window, reports them on the bus (`call.updated`, at most once per ``Configuration/updateWindows``
/// windows or when voice starts or stops), and records the call to a WAV file off the event loop.
public final class MonitorApp: CallApp {
    public struct Configuration: Sendable {
        /// Where recordings go; `nil` records nothing.
        public var recordingsDirectory: String?
        /// Runs the recording's disk writes.
        public var threadPool: NIOThreadPool
        /// Windows (of 20 ms) between two level updates when nothing changes: 50 = one per second.
        public var updateWindows = 50
        /// Audio held in memory while the disk is busy, per call.
        public var recordingBufferBytes = 80_000
        public var levelMeter = LevelMeter.Configuration()

        public init(recordingsDirectory: String?, threadPool: NIOThreadPool) {
            self.recordingsDirectory = recordingsDirectory
            self.threadPool = threadPool
        }
    }

    /// What the monitor measured, reported in `call.ended` (frame counts are the session's).
    public struct Statistics: Sendable, Hashable {
        public var windows = 0
        public var voiceWindows = 0
        public var loudestDBFS = -Double.infinity
    }

    private let configuration: Configuration
    private var meter: LevelMeter
    private var recorder: CallRecorder?
    private var encoding = G711Encoding.muLaw
    private var pcm: [Int16] = []
    private var windowsSinceUpdate = 0
    private var wasVoice = false
    private var lastLevel: LevelMeter.Level?
    public private(set) var statistics = Statistics()

    public init(configuration: Configuration) {
        self.configuration = configuration
        self.meter = LevelMeter(configuration: configuration.levelMeter)
    }

    public func started(_ call: any CallControl) {
        let info = call.info
        self.encoding = info.encoding.lowercased() == G711Encoding.aLaw.rawValue ? .aLaw : .muLaw
        guard let directory = self.configuration.recordingsDirectory else { return }
        let name = RecordingName.fileName(callSid: info.callSid, streamSid: info.streamSid)
        self.recorder = CallRecorder(
            path: directory + "/" + name,
            format: WAVFormat(
                encoding: self.encoding == .aLaw ? .aLaw : .muLaw, sampleRate: info.sampleRate,
                channels: max(1, info.channels)),
            pool: self.configuration.threadPool,
            capacityBytes: self.configuration.recordingBufferBytes
        )
    }

    public func received(_ frame: MediaFrame, call: any CallControl) {
        guard frame.track == .inbound else { return }
        self.recorder?.append(frame.payload)
        self.measure(frame.payload)
        guard let level = self.lastLevel else { return }
        if level.isVoice != self.wasVoice || self.windowsSinceUpdate >= self.configuration.updateWindows {
            self.wasVoice = level.isVoice
            self.windowsSinceUpdate = 0
            call.publish(CallEvent.Update(levelDBFS: (level.dBFS * 10).rounded() / 10, isVoice: level.isVoice))
        }
    }

    public func dtmf(_ digit: String, call: any CallControl) {
        call.logger.info("Caller pressed a key", metadata: ["media.dtmf": "\(digit)"])
    }

    public func stopped(call: any CallControl) -> EventLoopFuture<CallAppReport> {
        let windowMilliseconds = self.configuration.levelMeter.windowSamples * 1000 / max(1, call.info.sampleRate)
        var report = CallAppReport()
        report.voiceMilliseconds = self.statistics.voiceWindows * windowMilliseconds
        report.loudestDBFS = self.statistics.windows > 0 ? (self.statistics.loudestDBFS * 10).rounded() / 10 : nil
        guard let recorder = self.recorder else { return call.eventLoop.makeSucceededFuture(report) }
        self.recorder = nil
        let logger = call.logger
        let measured = report
        return recorder.finish(on: call.eventLoop).map { result in
            if let error = result.error {
                logger.error(
                    "Call recording failed", metadata: ["media.recording": "\(result.path)", "error": "\(error)"])
            } else if result.bytesDropped > 0 {
                logger.warning(
                    "Call recording has gaps: the disk was too slow",
                    metadata: ["media.recording": "\(result.path)", "media.dropped_bytes": "\(result.bytesDropped)"])
            }
            var finished = measured
            finished.recordingPath = result.error == nil ? result.path : nil
            return finished
        }
    }

    private func measure(_ audio: ByteBuffer) {
        let onWindow: (LevelMeter.Level) -> Void = { level in
            self.statistics.windows += 1
            self.windowsSinceUpdate += 1
            if level.isVoice { self.statistics.voiceWindows += 1 }
            self.statistics.loudestDBFS = max(self.statistics.loudestDBFS, level.dBFS)
            self.lastLevel = level
        }
        switch self.encoding {
        case .muLaw:
            audio.withUnsafeReadableBytes { self.meter.process(muLaw: $0, onWindow) }
        case .aLaw:
            self.pcm.removeAll(keepingCapacity: true)
            G711Encoding.aLaw.decode(audio.readableBytesView, into: &self.pcm)
            self.pcm.withUnsafeBufferPointer { self.meter.process(pcm: $0, onWindow) }
        }
    }
}

/// File names for recordings: the provider's ids, sanitised.
enum RecordingName {
    static func fileName(callSid: String, streamSid: String) -> String {
        "\(SafeFileName.sanitised(callSid))-\(SafeFileName.sanitised(streamSid)).wav"
    }
}
