import Foundation
import Media

/// The provider side of one Twilio media stream over ``RawWebSocketClient``: sends the messages a
/// real provider sends (numbers as JSON strings) and reads the server's `media`, `mark` and
/// `clear` messages back as dictionaries. Blocking: use it inside ``withBlockingIO(_:)``.
public final class TwilioTestCall {
    public let client: RawWebSocketClient
    public let streamSid: String
    public let callSid: String
    private var sequenceNumber = 0
    private var chunk = 0

    /// Opens `/v1/media` (or `path`) and sends `connected`; `start(...)` is separate so tests can
    /// check what happens without one.
    public init(
        port: Int,
        path: String = "/v1/media",
        headers: [(String, String)] = [],
        streamSid: String = "MZ" + TwilioTestCall.hex(32),
        callSid: String = "CA" + TwilioTestCall.hex(32),
        sendConnected: Bool = true,
        receiveBufferSize: Int? = nil
    ) throws {
        self.client = try RawWebSocketClient.connect(
            port: port, path: path, headers: headers, receiveBufferSize: receiveBufferSize)
        self.streamSid = streamSid
        self.callSid = callSid
        if sendConnected {
            try self.client.sendText(#"{"event":"connected","protocol":"Call","version":"1.0.0"}"#)
        }
    }

    public func start(app: String?, parameters: [String: String] = [:]) throws {
        var custom = parameters
        if let app { custom["app"] = app }
        let start: [String: Any] = [
            "event": "start",
            "sequenceNumber": self.nextSequence(),
            "streamSid": self.streamSid,
            "start": [
                "accountSid": "AC" + Self.hex(32),
                "streamSid": self.streamSid,
                "callSid": self.callSid,
                "tracks": ["inbound"],
                "customParameters": custom,
                "mediaFormat": ["encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1],
            ] as [String: Any],
        ]
        try self.sendJSON(start)
    }

    /// Sends one `media` event (20 ms per chunk of 160 bytes, as providers stamp them).
    public func sendMedia(_ audio: [UInt8], skipSequenceNumbers: Int = 0) throws {
        self.sequenceNumber += skipSequenceNumbers
        self.chunk += 1
        let payload = Base64.encode(audio)
        try self.client.sendText(
            #"{"event":"media","sequenceNumber":"\#(self.nextSequence())","media":{"track":"inbound","chunk":"\#(self.chunk)","timestamp":"\#((self.chunk - 1) * 20)","payload":"\#(payload)"},"streamSid":"\#(self.streamSid)"}"#
        )
    }

    public func sendDTMF(_ digit: String) throws {
        try self.sendJSON([
            "event": "dtmf", "streamSid": self.streamSid, "sequenceNumber": self.nextSequence(),
            "dtmf": ["track": "inbound_track", "digit": digit],
        ])
    }

    public func sendMark(_ name: String) throws {
        try self.sendJSON([
            "event": "mark", "streamSid": self.streamSid, "sequenceNumber": self.nextSequence(),
            "mark": ["name": name],
        ])
    }

    public func stop() throws {
        try self.sendJSON([
            "event": "stop", "streamSid": self.streamSid, "sequenceNumber": self.nextSequence(),
            "stop": ["accountSid": "AC" + Self.hex(32), "callSid": self.callSid],
        ])
    }

    /// The next server message as JSON (a close frame throws ``RawWebSocketError``).
    public func readEvent(timeout: Duration = .seconds(5)) throws -> [String: Any] {
        let message = try self.client.readMessage(timeout: timeout)
        guard let object = try JSONSerialization.jsonObject(with: Data(message.payload)) as? [String: Any] else {
            throw RawWebSocketError.malformedServerData("not a JSON object: \(message.text ?? "binary")")
        }
        return object
    }

    /// The decoded audio of a server `media` event, `nil` for other events.
    public static func audio(of event: [String: Any]) -> [UInt8]? {
        guard event["event"] as? String == "media", let media = event["media"] as? [String: Any],
            let payload = media["payload"] as? String
        else { return nil }
        return Base64.decode(payload)
    }

    private func nextSequence() -> String {
        self.sequenceNumber += 1
        return String(self.sequenceNumber)
    }

    private func sendJSON(_ object: [String: Any]) throws {
        let data = try JSONSerialization.data(withJSONObject: object)
        try self.client.sendText(String(decoding: data, as: UTF8.self))
    }

    public static func hex(_ count: Int) -> String {
        String((0..<count).map { _ in "0123456789abcdef".randomElement()! })
    }
}
