import Core
import Logging
public import NIOCore

/// `playback`: plays a WAV prompt to the caller at real-time pace, one 20 ms chunk at a time
/// followed by a `mark`, and stops on the first DTMF digit by sending `clear` (barge-in).
///
/// Pacing is deadline based (``Pacer``, ~100 ms ahead of real time), so the provider's buffer
/// never holds more than the lead and a `clear` cuts the prompt off at once. Marks tell played
/// audio from flushed audio: a mark the provider echoes before the `clear` was played, one echoed
/// after it was flushed.
public final class PlaybackApp: CallApp {
    public struct Configuration: Sendable {
        public var prompts: PromptLibrary
        public var pacer = Pacer.Configuration()
        /// Bytes per chunk: 160 = 20 ms of 8 kHz mu-law.
        public var chunkBytes = 160
        /// Whether a DTMF digit interrupts the prompt.
        public var bargeIn = true

        public init(prompts: PromptLibrary) {
            self.prompts = prompts
        }
    }

    /// Where the playback is.
    public enum State: Sendable, Hashable {
        case loading, playing, finished
        case interrupted(digit: String)
    }

    public struct Statistics: Sendable, Hashable {
        public var chunksSent = 0
        public var marksPlayed = 0
        public var marksFlushed = 0
        public var clearsSent = 0
    }

    public static let endMark = "prompt-end"

    private let configuration: Configuration
    public private(set) var state = State.loading
    public private(set) var statistics = Statistics()
    private var prompt: [UInt8] = []
    private var offset = 0
    private var pacer: Pacer?
    private var timer: Scheduled<Void>?
    /// Marks sent and not yet echoed, with whether a `clear` has flushed them since.
    private var pendingMarks: [String: Bool] = [:]
    private var isStopped = false

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    public func started(_ call: any CallControl) {
        guard let name = call.info.customParameters["prompt"] else {
            self.play(PromptLibrary.builtIn, call: call)
            return
        }
        self.configuration.prompts.load(name, on: call.eventLoop).assumeIsolated().whenComplete { result in
            guard !self.isStopped else { return }
            switch result {
            case .success(let audio):
                self.play(audio, call: call)
            case .failure(let error):
                call.logger.warning("Cannot play the prompt", metadata: ["error": "\(error)"])
                call.hangUp(reason: "\(error)")
            }
        }
    }

    public func received(_ frame: MediaFrame, call: any CallControl) {}

    public func dtmf(_ digit: String, call: any CallControl) {
        guard self.configuration.bargeIn, self.state == .playing else { return }
        self.state = .interrupted(digit: digit)
        self.timer?.cancel()
        self.timer = nil
        for name in self.pendingMarks.keys { self.pendingMarks[name] = true }
        self.statistics.clearsSent += 1
        call.sendClear()
    }

    public func markReceived(_ name: String, call: any CallControl) {
        guard let flushed = self.pendingMarks.removeValue(forKey: name) else { return }
        if flushed {
            self.statistics.marksFlushed += 1
        } else {
            self.statistics.marksPlayed += 1
        }
        if name == Self.endMark {
            call.publish(CallEvent.Update(mark: name, markPlayed: !flushed))
        }
    }

    public func stopped(call: any CallControl) -> EventLoopFuture<CallAppReport> {
        self.isStopped = true
        self.timer?.cancel()
        self.timer = nil
        return call.eventLoop.makeSucceededFuture(
            CallAppReport(marksPlayed: self.statistics.marksPlayed, marksFlushed: self.statistics.marksFlushed))
    }

    // MARK: Pacing

    private func play(_ audio: [UInt8], call: any CallControl) {
        self.prompt = audio
        self.offset = 0
        self.state = .playing
        self.pacer = Pacer(configuration: self.configuration.pacer, start: call.eventLoop.now)
        self.tick(call: call)
    }

    private func tick(call: any CallControl) {
        guard self.state == .playing, var pacer = self.pacer else { return }
        let due = pacer.release(now: call.eventLoop.now)
        self.pacer = pacer
        for _ in 0..<due where self.offset < self.prompt.count {
            let end = min(self.offset + self.configuration.chunkBytes, self.prompt.count)
            var chunk = call.allocator.buffer(capacity: end - self.offset)
            chunk.writeBytes(self.prompt[self.offset..<end])
            self.offset = end
            self.statistics.chunksSent += 1
            call.sendMedia(chunk)
            self.sendMark("chunk-\(self.statistics.chunksSent)", call: call)
        }
        guard self.offset < self.prompt.count else {
            self.state = .finished
            self.sendMark(Self.endMark, call: call)
            return
        }
        self.timer = call.eventLoop.assumeIsolated().scheduleTask(deadline: pacer.nextDeadline()) {
            self.tick(call: call)
        }
    }

    private func sendMark(_ name: String, call: any CallControl) {
        self.pendingMarks[name] = false
        call.sendMark(name)
    }
}
