import Core
import Foundation
import Media
import REST
import SwitchboardTestSupport
import Testing

@Suite("Playback app over loopback")
struct PlaybackAppTests {
    @Test("Plays at real-time pace with a mark after every chunk; DTMF sends clear; marks are told played or flushed")
    func playMarksAndBargeIn() async throws {
        try await withSwitchboardServer { server in
            let events = CallEventRecorder(bus: server.server.eventBus)
            let call = try await withBlockingIO { try TwilioTestCall(port: server.port) }
            let (played, flushed) = try await withBlockingIO { () throws -> (Int, Int) in
                try call.start(app: "playback")
                var marks: [String] = []
                var mediaTimes: [ContinuousClock.Instant] = []
                var audio: [UInt8] = []
                while mediaTimes.count < 30 {
                    let event = try call.readEvent()
                    switch event["event"] as? String {
                    case "media":
                        mediaTimes.append(.now)
                        audio += TwilioTestCall.audio(of: event) ?? []
                    case "mark":
                        marks.append(((event["mark"] as? [String: Any])?["name"] as? String) ?? "")
                    default:
                        Issue.record("unexpected \(event)")
                    }
                }
                // Paced, not a burst: after the ~100 ms lead, one 20 ms chunk per 20 ms.
                let span = mediaTimes[29] - mediaTimes[0]
                #expect(span >= .milliseconds(400))
                #expect(span < .milliseconds(1500))
                #expect(audio.count == 30 * 160)
                #expect(Array(audio.prefix(160)) == Array(PromptLibrary.builtIn.prefix(160)))
                // The provider has played the first 10 chunks.
                let playedMarks = marks.prefix(10)
                for name in playedMarks { try call.sendMark(name) }
                try call.sendDTMF("1")
                // Everything up to the clear; the marks still pending are flushed by it.
                var sawClear = false
                while !sawClear {
                    let event = try call.readEvent()
                    switch event["event"] as? String {
                    case "clear": sawClear = true
                    case "mark": marks.append(((event["mark"] as? [String: Any])?["name"] as? String) ?? "")
                    default: break
                    }
                }
                #expect(try call.client.nextFrame(within: .milliseconds(300)) == nil)  // playback stopped
                let pending = marks.dropFirst(10)
                for name in pending { try call.sendMark(name) }
                try call.stop()
                try call.client.expectClose(code: 1000)
                return (playedMarks.count, pending.count)
            }
            let summary = try #require(try await events.next(.ended, streamSid: call.streamSid).summary)
            #expect(summary.dtmfDigits == "1")
            #expect(summary.marksPlayed == played)
            #expect(summary.marksFlushed == flushed)
            #expect(flushed >= 20)
        }
    }

    @Test("A named PCM16 16 kHz prompt is resampled to 8 kHz mu-law and ends with the end mark")
    func namedPromptIsResampled() async throws {
        let prompts = NSTemporaryDirectory() + "switchboard-prompts-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: prompts, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: prompts) }
        // 0.5 s of a 1 kHz tone at 16 kHz.
        var writer = try WAVWriter(
            path: prompts + "/hello.wav", format: WAVFormat(encoding: .pcm16, sampleRate: 16_000, channels: 1))
        let samples = (0..<8000).map { Int16(8000 * sin(2 * Double.pi * 1000 * Double($0) / 16_000)) }
        try samples.withUnsafeBytes { try writer.append($0) }
        try writer.finish()
        try await withSwitchboardServer(configure: { $0.promptsDirectory = prompts }) { server in
            try await withBlockingIO {
                let call = try TwilioTestCall(port: server.port)
                try call.start(app: "playback", parameters: ["prompt": "hello"])
                var audio = 0
                while true {
                    let event = try call.readEvent()
                    if let bytes = TwilioTestCall.audio(of: event) { audio += bytes.count }
                    if event["event"] as? String == "mark",
                        (event["mark"] as? [String: Any])?["name"] as? String == PlaybackApp.endMark
                    {
                        break
                    }
                }
                #expect(abs(audio - 4000) <= 1)
            }
        }
    }

    @Test("A prompt that does not exist ends the stream with a reason naming it")
    func missingPrompt() async throws {
        try await withSwitchboardServer { server in
            try await withBlockingIO {
                let call = try TwilioTestCall(port: server.port)
                try call.start(app: "playback", parameters: ["prompt": "nope"])
                let close = try call.client.expectClose(code: 1000)
                #expect(close.reason == "prompt nope.wav not found")
                let traversal = try TwilioTestCall(port: server.port)
                try traversal.start(app: "playback", parameters: ["prompt": "../../etc/passwd"])
                #expect(try traversal.client.expectClose(code: 1000).reason.contains("is not allowed"))
            }
        }
    }
}
