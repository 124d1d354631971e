import Benchmark
import Core
import Logging
import Media
import Metrics
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOWebSocket
import Realtime

/// The per-message cost of the WebSocket hot path, measured through the public upgrade API on an
/// `EmbeddedChannel`: decode + unmask + RFC 6455 checks + UTF-8 validation + echo session +
/// encode. No socket, so the figures are the server's own work, and allocation counts are exact.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .instructions],
        maxDuration: .seconds(3),
        maxIterations: 1_000_000
    )

    // A Twilio media event is ~300-400 bytes of JSON text: the message size that matters most.
    Benchmark("Echo one 300-byte text message", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let channel = try upgradedEchoChannel()
        let frame = maskedTextFrame(payloadSize: 300)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            try channel.writeInbound(frame)
            channel.pipeline.fireChannelReadComplete()
            while let reply = try channel.readOutbound(as: ByteBuffer.self) {
                blackHole(reply)
            }
        }
        benchmark.stopMeasurement()
        _ = try? channel.finish()
    }

    Benchmark("Echo 16 pipelined 300-byte messages in one read", configuration: .init(scalingFactor: .kilo)) {
        benchmark in
        let channel = try upgradedEchoChannel()
        var burst = ByteBuffer()
        let frame = maskedTextFrame(payloadSize: 300)
        for _ in 0..<16 { burst.writeImmutableBuffer(frame) }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            try channel.writeInbound(burst)
            channel.pipeline.fireChannelReadComplete()
            while let reply = try channel.readOutbound(as: ByteBuffer.self) {
                blackHole(reply)
            }
        }
        benchmark.stopMeasurement()
        _ = try? channel.finish()
    }

    // The media hot path: a Twilio `media` event through /v1/media with the echo app, i.e. frame
    // decode, JSON scan, base64 decode, sequence accounting, echo, JSON + base64 encode, frame encode.
    Benchmark("Media: echo one Twilio media event (160 bytes of audio)", configuration: .init(scalingFactor: .kilo)) {
        benchmark in
        let channel = try upgradedChannel(path: "/v1/media")
        try channel.writeInbound(maskedTextFrame(text: TwilioSample.start))
        let frames = (1...1024).map { maskedTextFrame(text: TwilioSample.media(sequenceNumber: $0 + 1)) }
        var index = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            try channel.writeInbound(frames[index & 1023])
            index += 1
            channel.pipeline.fireChannelReadComplete()
            while let reply = try channel.readOutbound(as: ByteBuffer.self) {
                blackHole(reply)
            }
        }
        benchmark.stopMeasurement()
        _ = try? channel.finish()
    }

    Benchmark("Media: parse one Twilio media event", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let message = ByteBuffer(string: TwilioSample.media(sequenceNumber: 4))
        var audio = ByteBuffer()
        audio.reserveCapacity(512)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            audio.clear()
            blackHole(try TwilioMessageParser.parse(message, audio: &audio).sequenceNumber)
        }
    }

    Benchmark("UTF-8 validation of 1 MiB of mixed text", configuration: .init(scalingFactor: .one)) { benchmark in
        let text = Array(String(repeating: "héllo wörld, ñ — 日本語 🎧 ", count: 1 << 20 / 40).utf8.prefix(1 << 20))
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(text.withUnsafeBytes { UTF8Validator.isValid($0) })
        }
    }

    Benchmark("Bounded queue append+pop, dropOldest at capacity", configuration: .init(scalingFactor: .mega)) {
        benchmark in
        var queue = BoundedQueue<Int>(BoundedQueueConfiguration(capacity: 600, policy: .dropOldest))
        for value in 0..<600 { _ = queue.append(value) }
        benchmark.startMeasurement()
        for value in benchmark.scaledIterations {
            blackHole(queue.append(value))
        }
    }
}

/// An `EmbeddedChannel` upgraded on `/v1/echo` exactly as a real connection is.
func upgradedEchoChannel() throws -> EmbeddedChannel {
    try upgradedChannel(path: "/v1/echo")
}

/// An `EmbeddedChannel` upgraded on `path` (`/v1/echo`, or `/v1/media` with the echo app).
func upgradedChannel(path: String) throws -> EmbeddedChannel {
    var routes = WebSocketRoutes()
    var configuration = EchoEndpoint.defaultConfiguration
    configuration.pingInterval = nil
    configuration.idleTimeout = nil
    routes.add("/v1/echo", EchoEndpoint(configuration: configuration))
    var apps = CallAppCatalog(defaultApp: "echo")
    apps.register("echo") { _ in EchoApp() }
    var media = MediaEndpoint.defaultConfiguration
    media.pingInterval = nil
    media.idleTimeout = nil
    routes.add(
        "/v1/media",
        MediaEndpoint(
            configuration: media,
            media: MediaEndpointConfiguration(apps: apps, eventBus: InProcessEventBus()),
            metricsFactory: NOOPMetricsHandler.instance
        ))
    let logger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
    let server = WebSocketServer(routes: routes, logger: logger, metricsFactory: NOOPMetricsHandler.instance)
    let channel = EmbeddedChannel()
    try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
    let upgrader = server.makeUpgrader(for: channel) { _ in () }
    var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path)
    head.headers.add(name: "Connection", value: "Upgrade")
    head.headers.add(name: "Upgrade", value: "websocket")
    head.headers.add(name: "Sec-WebSocket-Version", value: "13")
    head.headers.add(name: "Sec-WebSocket-Key", value: "dGhlIHNhbXBsZSBub25jZQ==")
    _ = try upgrader.buildUpgradeResponse(channel: channel, upgradeRequest: head, initialResponseHeaders: [:]).wait()
    try upgrader.upgrade(channel: channel, upgradeRequest: head).wait()
    return channel
}

/// A masked client text frame of `payloadSize` letters, as bytes on the wire.
func maskedTextFrame(payloadSize: Int) -> ByteBuffer {
    maskedTextFrame(text: String(repeating: "a", count: payloadSize))
}

/// A masked client text frame carrying `text` (up to 64 KiB), as bytes on the wire.
func maskedTextFrame(text: String) -> ByteBuffer {
    var payload = ByteBuffer(string: text)
    let payloadSize = payload.readableBytes
    let mask = WebSocketMaskingKey([0x11, 0x22, 0x33, 0x44] as [UInt8])!
    payload.webSocketMask(mask)
    var frame = ByteBuffer()
    frame.writeInteger(UInt8(0x81))
    frame.writeInteger(UInt8(0x80 | 126))
    frame.writeInteger(UInt16(payloadSize))
    frame.writeBytes([0x11, 0x22, 0x33, 0x44])
    frame.writeImmutableBuffer(payload)
    return frame
}

/// Real-shaped Twilio messages (PROTOCOLS.md section 1).
enum TwilioSample {
    static let streamSid = "MZ18ad3ab5a668481ce02b83e7395059f0"

    static let start =
        #"{"event":"start","sequenceNumber":"1","start":{"accountSid":"AC0123456789abcdef0123456789abcdef","#
        + #""streamSid":"\#(streamSid)","callSid":"CA0123456789abcdef0123456789abcdef","tracks":["inbound"],"#
        + #""customParameters":{"app":"echo"},"mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000,"#
        + #""channels":1}},"streamSid":"\#(streamSid)"}"#

    /// 20 ms of audio: 160 mu-law bytes, 216 characters of base64.
    static let payload = Base64.encode((0..<160).map { UInt8(truncatingIfNeeded: 0x70 + $0 % 32) })

    static func media(sequenceNumber: Int) -> String {
        #"{"event":"media","sequenceNumber":"\#(sequenceNumber)","media":{"track":"inbound","chunk":"\#(sequenceNumber - 1)","#
            + #""timestamp":"\#((sequenceNumber - 2) * 20)","payload":"\#(payload)"},"streamSid":"\#(streamSid)"}"#
    }
}
