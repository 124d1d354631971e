import Core
import Foundation
import Media
import REST
import SwitchboardTestSupport
import Testing

@Suite("Echo app over loopback")
struct EchoAppTests {
    @Test("Every inbound frame comes back as a media event of the same stream, then stop closes with 1000")
    func echoRoundTrip() async throws {
        try await withSwitchboardServer { server in
            let events = CallEventRecorder(bus: server.server.eventBus)
            let call = try await withBlockingIO { try TwilioTestCall(port: server.port) }
            try await withBlockingIO {
                try call.start(app: "echo")
            }
            let started = try await events.next(.started, streamSid: call.streamSid)
            #expect(started.callSid == call.callSid)
            #expect(started.app == "echo")
            try await withBlockingIO {
                for index in 0..<50 {
                    let frame = toneFrame(seed: index)
                    try call.sendMedia(frame)
                    let echo = try call.readEvent()
                    #expect(echo["event"] as? String == "media")
                    #expect(echo["streamSid"] as? String == call.streamSid)
                    #expect(TwilioTestCall.audio(of: echo) == frame)
                }
                try call.stop()
                let close = try call.client.expectClose(code: 1000)
                #expect(close.reason == "stream stopped")
            }
            let ended = try await events.next(.ended, streamSid: call.streamSid)
            let summary = try #require(ended.summary)
            #expect(summary.reason == "stop")
            #expect(summary.mediaReceived == 50)
            #expect(summary.mediaSent == 50)
            #expect(summary.messagesLost == 0)
            #expect(summary.sendDropped == 0)
            #expect(server.metricsText().contains("switchboard_media_frames_received_total 50"))
        }
    }

    @Test("Any chunk length is echoed exactly, from 1 byte to 8,000")
    func anyChunkLength() async throws {
        try await withSwitchboardServer { server in
            try await withBlockingIO {
                let call = try TwilioTestCall(port: server.port)
                try call.start(app: "echo")
                for length in [1, 2, 3, 80, 159, 161, 320, 8000] {
                    let frame = toneFrame(seed: length, count: length)
                    try call.sendMedia(frame)
                    #expect(TwilioTestCall.audio(of: try call.readEvent()) == frame)
                }
            }
        }
    }

    @Test("Sequence-number gaps are counted as lost messages in call.ended")
    func gapsAreCounted() async throws {
        try await withSwitchboardServer { server in
            let events = CallEventRecorder(bus: server.server.eventBus)
            let call = try await withBlockingIO { try TwilioTestCall(port: server.port) }
            try await withBlockingIO {
                try call.start(app: "echo")
                try call.sendMedia(toneFrame(seed: 1))
                try call.sendMedia(toneFrame(seed: 2), skipSequenceNumbers: 3)
                try call.sendMedia(toneFrame(seed: 3), skipSequenceNumbers: 2)
                for _ in 0..<3 { _ = try call.readEvent() }
                try call.stop()
                try call.client.expectClose(code: 1000)
            }
            let summary = try #require(try await events.next(.ended, streamSid: call.streamSid).summary)
            #expect(summary.messagesLost == 5)
            #expect(server.metricsText().contains("switchboard_media_messages_lost_total 5"))
        }
    }

    @Test("Two sockets for the same callSid are served independently")
    func twoStreamsOneCall() async throws {
        try await withSwitchboardServer { server in
            let events = CallEventRecorder(bus: server.server.eventBus)
            let callSid = "CA" + TwilioTestCall.hex(32)
            let (first, second) = try await withBlockingIO {
                (
                    try TwilioTestCall(port: server.port, callSid: callSid),
                    try TwilioTestCall(port: server.port, callSid: callSid)
                )
            }
            try await withBlockingIO {
                try first.start(app: "echo")
                try second.start(app: "echo")
                for index in 0..<20 {
                    let a = toneFrame(seed: index)
                    let b = toneFrame(seed: 1000 + index)
                    try first.sendMedia(a)
                    try second.sendMedia(b)
                    let echoA = try first.readEvent()
                    let echoB = try second.readEvent()
                    #expect(TwilioTestCall.audio(of: echoA) == a)
                    #expect(echoA["streamSid"] as? String == first.streamSid)
                    #expect(TwilioTestCall.audio(of: echoB) == b)
                    #expect(echoB["streamSid"] as? String == second.streamSid)
                }
                try first.stop()
                try first.client.expectClose(code: 1000)
                // The second stream carries on after the first one ended.
                let frame = toneFrame(seed: 7)
                try second.sendMedia(frame)
                #expect(TwilioTestCall.audio(of: try second.readEvent()) == frame)
                second.client.close()
            }
            let endedFirst = try #require(try await events.next(.ended, streamSid: first.streamSid).summary)
            let endedSecond = try #require(try await events.next(.ended, streamSid: second.streamSid).summary)
            #expect(endedFirst.mediaReceived == 20)
            #expect(endedFirst.reason == "stop")
            #expect(endedSecond.mediaReceived == 21)
            #expect(endedSecond.reason == "disconnected")
        }
    }
}
