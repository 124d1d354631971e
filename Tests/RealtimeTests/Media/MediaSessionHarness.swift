import Core
import Foundation
import Media
import NIOCore
import NIOWebSocket

@testable import Realtime

/// A test call app: echoes inbound audio, answers a provider `mark` with a mark of its own name
/// (so tests can make the server send marks), sends `clear` on DTMF `*`, and pauses or resumes
/// receiving on DTMF `p` / from the test.
final class ScriptedApp: CallApp {
    private(set) var received: [String] = []
    private(set) var call: (any CallControl)?

    func started(_ call: any CallControl) {
        self.call = call
    }

    func received(_ frame: MediaFrame, call: any CallControl) {
        self.received.append("media(\(frame.payload.readableBytesView.first ?? 0))")
        call.sendMedia(frame.payload)
    }

    func dtmf(_ digit: String, call: any CallControl) {
        self.received.append("dtmf(\(digit))")
        switch digit {
        case "*": call.sendClear()
        case "p": call.pauseReceiving()
        default: break
        }
    }

    func markReceived(_ name: String, call: any CallControl) {
        self.received.append("mark(\(name))")
        call.sendMark(name)
    }
}

/// `/v1/media`'s session on an `EmbeddedChannel`, with the scripted app and small queues.
final class MediaSessionHarness {
    let app = ScriptedApp()
    let bus = InProcessEventBus()
    let harness: HandlerHarness
    let metrics: RecordingMetrics
    private var sequenceNumber = 0

    init(receiveQueue: Int = 5, sendQueue: Int = 4, startTimeout: TimeAmount = .seconds(5)) throws {
        var catalog = CallAppCatalog(defaultApp: "scripted")
        // The catalog wants a Sendable factory; this one only ever runs on the EmbeddedChannel's
        // single thread, inside the test that owns the app.
        nonisolated(unsafe) let app = self.app
        catalog.register("scripted") { _ in app }
        var media = MediaEndpointConfiguration(apps: catalog, eventBus: self.bus, wallClock: { 1_000 })
        media.receiveQueueCapacity = receiveQueue
        media.sendQueueCapacity = sendQueue
        media.startTimeout = startTimeout
        var socket = HandlerHarness.quietConfiguration
        socket.maxMessageSize = 64 << 10
        let metrics = RecordingMetrics()
        self.metrics = metrics
        let endpoint = MediaEndpoint(configuration: socket, media: media, metricsFactory: metrics)
        self.harness = try HandlerHarness(
            configuration: endpoint.configuration,
            session: endpoint.makeSession(for: WebSocketUpgradeRequest(path: "/v1/media", route: "/v1/media"))
        )
    }

    func send(_ json: String) throws {
        try self.harness.receive(TestFrames.text(json))
    }

    func start() throws {
        try self.send(
            #"{"event":"start","sequenceNumber":"\#(self.next())","start":{"streamSid":"MZ1","callSid":"CA1","customParameters":{}},"streamSid":"MZ1"}"#
        )
    }

    /// A one-byte media chunk whose byte identifies it in what the app and the socket see.
    func media(_ byte: UInt8) throws {
        let payload = Base64.encode([byte])
        try self.send(#"{"event":"media","sequenceNumber":"\#(self.next())","media":{"payload":"\#(payload)"}}"#)
    }

    func dtmf(_ digit: String) throws {
        try self.send(#"{"event":"dtmf","sequenceNumber":"\#(self.next())","dtmf":{"digit":"\#(digit)"}}"#)
    }

    func mark(_ name: String) throws {
        try self.send(#"{"event":"mark","sequenceNumber":"\#(self.next())","mark":{"name":"\#(name)"}}"#)
    }

    /// What the server sent, as `media(N)`, `mark(name)` or `clear`.
    func sent() throws -> [String] {
        try self.harness.sent().map { frame in
            let text = frame.payloadText
            if text.hasPrefix(#"{"event":"media""#), let start = text.range(of: #""payload":""#),
                let end = text[start.upperBound...].firstIndex(of: "\"")
            {
                let bytes = Base64.decode(String(text[start.upperBound..<end])) ?? []
                return "media(\(bytes.first ?? 0))"
            }
            if text.hasPrefix(#"{"event":"mark""#), let start = text.range(of: #""name":""#),
                let end = text[start.upperBound...].firstIndex(of: "\"")
            {
                return "mark(\(text[start.upperBound..<end]))"
            }
            if text.hasPrefix(#"{"event":"clear""#) { return "clear" }
            return frame.summary
        }
    }

    private func next() -> Int {
        self.sequenceNumber += 1
        return self.sequenceNumber
    }
}
