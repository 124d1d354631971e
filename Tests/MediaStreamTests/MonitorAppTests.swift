import Core
import Foundation
import Media
import NIOCore
import REST
import SwitchboardTestSupport
import Testing

@Suite("Monitor app over loopback")
struct MonitorAppTests {
    @Test("Records a valid WAV whose audio is exactly the frames received, and reports level and voice")
    func recordsTheCall() async throws {
        let recordings = NSTemporaryDirectory() + "switchboard-recordings-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: recordings) }
        try await withSwitchboardServer(configure: { $0.recordingsDirectory = recordings }) { server in
            let events = CallEventRecorder(bus: server.server.eventBus)
            let call = try await withBlockingIO { try TwilioTestCall(port: server.port) }
            var sent: [UInt8] = []
            try await withBlockingIO {
                try call.start(app: "monitor")
                // 2.66 s of tone, then 1 s of silence, with chunks of uneven sizes.
                for index in 0..<100 {
                    let frame = toneFrame(seed: index, count: index % 3 == 0 ? 160 : 240)
                    sent += frame
                    try call.sendMedia(frame)
                }
                for _ in 0..<50 {
                    let silence = [UInt8](repeating: 0xFF, count: 160)
                    sent += silence
                    try call.sendMedia(silence)
                }
                try call.sendDTMF("7")
                try call.stop()
                try call.client.expectClose(code: 1000)
            }
            let voice = try await events.next(.updated, streamSid: call.streamSid)
            #expect(voice.update.isVoice == true)
            #expect((voice.update.levelDBFS ?? -100) > -30)
            let ended = try await events.next(.ended, streamSid: call.streamSid)
            let summary = try #require(ended.summary)
            #expect(summary.dtmfDigits == "7")
            #expect(summary.mediaReceived == 150)
            // 21,280 samples of tone (2.66 s), give or take the windows at its edges and the hangover.
            let voiceTime = try #require(summary.voiceMilliseconds)
            #expect(voiceTime >= 2500 && voiceTime <= 2900, "voice \(voiceTime) ms")
            #expect((summary.loudestDBFS ?? -100) > -30)
            let path = try #require(summary.recordingPath)
            #expect(path.hasPrefix(recordings + "/"))
            #expect(path.hasSuffix(".wav"))
            let file = try #require(FileManager.default.contents(atPath: path))
            let wav = try WAVReader(Array(file))
            #expect(wav.format == WAVFormat(encoding: .muLaw, sampleRate: 8000, channels: 1))
            #expect(wav.frameCount == sent.count)
            #expect(Array(wav.data.readableBytesView) == sent)
        }
    }

    @Test("A hostile call id cannot place the recording outside RECORDINGS_DIR")
    func hostileIds() async throws {
        let recordings = NSTemporaryDirectory() + "switchboard-recordings-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: recordings) }
        try await withSwitchboardServer(configure: { $0.recordingsDirectory = recordings }) { server in
            let events = CallEventRecorder(bus: server.server.eventBus)
            let call = try await withBlockingIO {
                try TwilioTestCall(port: server.port, streamSid: "MZ1", callSid: "../../etc/passwd")
            }
            try await withBlockingIO {
                try call.start(app: "monitor")
                try call.sendMedia(toneFrame(seed: 1))
                try call.stop()
                try call.client.expectClose(code: 1000)
            }
            let path = try #require(try await events.next(.ended, streamSid: "MZ1").summary?.recordingPath)
            #expect(path == recordings + "/______etc_passwd-MZ1.wav")
            #expect(FileManager.default.fileExists(atPath: path))
        }
    }
}
