public import Core
public import Logging
public import NIOCore

/// The application logic of one call's media stream: what to do with the caller's audio, DTMF and
/// marks. An app is one small type behind this protocol; the session that drives it handles the
/// protocol, the queues and the call events, so a new app (or a new provider) is one file.
///
/// Every method runs on the stream's event loop, in order, and must not block: slow work (disk,
/// DSP) goes to the app's own bounded queue off the loop.
public protocol CallApp: AnyObject {
    /// The stream started; `call` stays valid until ``stopped(call:)``.
    func started(_ call: any CallControl)
    /// One chunk of caller audio.
    func received(_ frame: MediaFrame, call: any CallControl)
    /// The caller pressed a key.
    func dtmf(_ digit: String, call: any CallControl)
    /// The provider echoed a mark this app sent.
    func markReceived(_ name: String, call: any CallControl)
    /// The stream ended (the provider's `stop`, or the socket closed). The future completes once the
    /// app's own work is finished (a recording flushed), with what `call.ended` should report.
    func stopped(call: any CallControl) -> EventLoopFuture<CallAppReport>
}

extension CallApp {
    public func dtmf(_ digit: String, call: any CallControl) {}
    public func markReceived(_ name: String, call: any CallControl) {}
    public func stopped(call: any CallControl) -> EventLoopFuture<CallAppReport> {
        call.eventLoop.makeSucceededFuture(CallAppReport())
    }
}

/// What an app adds to the call's `call.ended` event.
public struct CallAppReport: Sendable, Hashable {
    public var recordingPath: String?
    /// Playback marks the provider played, and those a `clear` flushed.
    public var marksPlayed: Int?
    public var marksFlushed: Int?
    /// How long the caller spoke, and the loudest 20 ms window, if the app measures levels.
    public var voiceMilliseconds: Int?
    public var loudestDBFS: Double?

    public init(recordingPath: String? = nil, marksPlayed: Int? = nil, marksFlushed: Int? = nil) {
        self.recordingPath = recordingPath
        self.marksPlayed = marksPlayed
        self.marksFlushed = marksFlushed
    }
}

/// What a call app may do with its stream. Implemented by the media session; use it only on
/// ``eventLoop``.
public protocol CallControl: AnyObject {
    var info: MediaStreamInfo { get }
    var eventLoop: any EventLoop { get }
    var allocator: ByteBufferAllocator { get }
    var logger: Logger { get }
    /// Plays audio (G.711 bytes in the stream's encoding) to the caller. Audio waits in the send
    /// queue when the socket is busy and is the first thing dropped when that queue is full.
    func sendMedia(_ audio: ByteBuffer)
    /// Asks the provider to echo `name` once the audio sent so far has played. Never dropped.
    func sendMark(_ name: String)
    /// Drops the audio the provider has buffered (and what is still queued here); pending marks are
    /// echoed. Never dropped.
    func sendClear()
    /// Publishes a `call.updated` event.
    func publish(_ update: CallEvent.Update)
    /// Audio frames sent and waiting in the send queue, for apps that pace themselves.
    var sendQueueDepth: Int { get }
    /// Holds inbound events in the receive queue (bounded, oldest audio dropped first) until
    /// ``resumeReceiving()``.
    func pauseReceiving()
    func resumeReceiving()
    /// Ends the stream from the server side.
    func hangUp(reason: String)
}
