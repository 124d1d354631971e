import NIOCore
import Testing

@testable import Media

/// Parses `text` with a fresh audio buffer.
private func parse(_ text: String) throws(TwilioParseError) -> ProviderMessage {
    var audio = ByteBuffer()
    return try TwilioMessageParser.parse(ByteBuffer(string: text), audio: &audio)
}

/// The error `text` gives, or `nil` if it parses.
private func parseError(_ text: String) -> TwilioParseError? {
    do {
        _ = try parse(text)
        return nil
    } catch {
        return error
    }
}

private func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
    var random = TestRandom(seed: seed)
    return (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
}

/// A documented `media` message carrying `payload` (already base64).
private func mediaMessage(payload: String) -> String {
    #"{"event":"media","sequenceNumber":"4","media":{"track":"inbound","chunk":"2","timestamp":"5","payload":"\#(payload)"},"streamSid":"MZ18ad3ab5a668481ce02b83e7395059f0"}"#
}

@Suite("TwilioMessageParser documented shapes")
struct TwilioMessageParserShapeTests {
    @Test func connected() throws {
        let message = try parse(#"{"event":"connected","protocol":"Call","version":"1.0.0"}"#)
        #expect(message.event.isConnected)
        #expect(message.sequenceNumber == nil)
    }

    @Test func start() throws {
        let message = try parse(
            #"""
            {"event":"start","sequenceNumber":"1","start":{"accountSid":"AC123","streamSid":"MZ18ad3ab5a668481ce02b83e7395059f0","callSid":"CA456","tracks":["inbound","outbound"],"customParameters":{"FirstName":"Jane","LastName":"Doe","token":"a b/c"},"mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1}},"streamSid":"MZ18ad3ab5a668481ce02b83e7395059f0"}
            """#)
        #expect(message.sequenceNumber == 1)
        #expect(
            message.event.info
                == MediaStreamInfo(
                    accountSid: "AC123", streamSid: "MZ18ad3ab5a668481ce02b83e7395059f0", callSid: "CA456",
                    tracks: ["inbound", "outbound"],
                    customParameters: ["FirstName": "Jane", "LastName": "Doe", "token": "a b/c"],
                    encoding: "audio/x-mulaw", sampleRate: 8000, channels: 1))
    }

    @Test func media() throws {
        var audio = ByteBuffer()
        let message = try TwilioMessageParser.parse(
            ByteBuffer(string: mediaMessage(payload: "f/+AAH8=")), audio: &audio)
        #expect(message.sequenceNumber == 4)
        let frame = try #require(message.event.frame)
        #expect(frame.track == .inbound)
        #expect(frame.chunk == 2)
        #expect(frame.timestamp == 5)
        #expect(Array(frame.payload.readableBytesView) == [0x7F, 0xFF, 0x80, 0x00, 0x7F])
        #expect(Array(audio.readableBytesView) == [0x7F, 0xFF, 0x80, 0x00, 0x7F])
    }

    @Test func dtmf() throws {
        let message = try parse(
            #"{"event":"dtmf","streamSid":"MZ1","sequenceNumber":"5","dtmf":{"track":"inbound_track","digit":"1"}}"#)
        #expect(message.event.dtmfDigit == "1")
        #expect(message.sequenceNumber == 5)
    }

    @Test(arguments: ["0", "9", "*", "#", "A", "D"])
    func dtmfDigits(digit: String) throws {
        #expect(try parse(#"{"event":"dtmf","dtmf":{"digit":"\#(digit)"}}"#).event.dtmfDigit == digit)
    }

    @Test func mark() throws {
        let message = try parse(#"{"event":"mark","sequenceNumber":"4","streamSid":"MZ1","mark":{"name":"my label"}}"#)
        #expect(message.event.markName == "my label")
        #expect(message.sequenceNumber == 4)
    }

    @Test func stop() throws {
        let message = try parse(
            #"{"event":"stop","sequenceNumber":"5","stop":{"accountSid":"AC1","callSid":"CA1"},"streamSid":"MZ1"}"#)
        #expect(message.event.isStop)
        #expect(message.sequenceNumber == 5)
    }
}

@Suite("TwilioMessageParser leniency")
struct TwilioMessageParserLeniencyTests {
    @Test func numbersAsJSONNumbers() throws {
        let media = try parse(
            #"{"event":"media","sequenceNumber":4,"media":{"chunk":2,"timestamp":5,"payload":"AA=="},"streamSid":"MZ1"}"#
        )
        #expect(media.sequenceNumber == 4)
        #expect(media.event.frame?.chunk == 2)
        #expect(media.event.frame?.timestamp == 5)
        let start = try parse(
            #"{"event":"start","sequenceNumber":1,"start":{"streamSid":"MZ1","mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":"16000","channels":"2"}}}"#
        )
        #expect(start.sequenceNumber == 1)
        #expect(start.event.info?.sampleRate == 16000)
        #expect(start.event.info?.channels == 2)
    }

    @Test func keysInAnyOrder() throws {
        let message = try parse(
            #"{"streamSid":"MZ1","media":{"payload":"AQI=","timestamp":"40","track":"outbound","chunk":"3"},"sequenceNumber":"9","event":"media"}"#
        )
        #expect(message.sequenceNumber == 9)
        let frame = try #require(message.event.frame)
        #expect(frame.track == .outbound)
        #expect(frame.chunk == 3)
        #expect(frame.timestamp == 40)
        #expect(Array(frame.payload.readableBytesView) == [1, 2])

        let start = try parse(
            #"{"start":{"mediaFormat":{"channels":1,"encoding":"audio/x-mulaw","sampleRate":8000},"customParameters":{"b":"2","a":"1"},"tracks":["inbound"],"callSid":"CA1","streamSid":"MZ1","accountSid":"AC1"},"event":"start"}"#
        )
        #expect(
            start.event.info
                == MediaStreamInfo(
                    accountSid: "AC1", streamSid: "MZ1", callSid: "CA1", customParameters: ["a": "1", "b": "2"]))
    }

    @Test func whitespaceAroundEverything() throws {
        let message = try parse(
            " \n{ \"event\" : \"media\" ,\n\t\"media\" : { \"payload\" : \"AQI=\" , \"chunk\" : \"1\" } } \r\n")
        #expect(message.event.frame.map { Array($0.payload.readableBytesView) } == [1, 2])
        #expect(message.event.frame?.chunk == 1)
    }

    @Test func unknownFieldsAndNestedJunkAreIgnored() throws {
        let junk = #"{"a":[1,{"b":null,"c":[true,false,"\u00e9\/"]}],"d":-1.5e3,"payload":"!!!"}"#
        let message = try parse(
            #"{"x":\#(junk),"event":"media","protocol":"Call","sequenceNumber":"4","media":{"extra":\#(junk),"track":"inbound","payload":"AQI=","more":[[],{}],"n":null},"streamSid":"MZ1","tail":[\#(junk)]}"#
        )
        #expect(message.sequenceNumber == 4)
        #expect(message.event.frame.map { Array($0.payload.readableBytesView) } == [1, 2])
        let start = try parse(
            #"{"event":"start","start":{"extra":\#(junk),"streamSid":"MZ1","mediaFormat":{"junk":\#(junk),"sampleRate":8000},"customParameters":{"k":"v"},"future":[1,2]}}"#
        )
        #expect(start.event.info?.streamSid == "MZ1")
        #expect(start.event.info?.customParameters == ["k": "v"])
        #expect(start.event.info?.sampleRate == 8000)
        let stop = try parse(#"{"event":"stop","stop":\#(junk),"streamSid":"MZ1"}"#)
        #expect(stop.event.isStop)
    }

    @Test func missingOptionalMediaFields() throws {
        let message = try parse(#"{"event":"media","media":{"payload":"AQI="}}"#)
        #expect(message.sequenceNumber == nil)
        let frame = try #require(message.event.frame)
        #expect(frame.track == .inbound)
        #expect(frame.chunk == nil)
        #expect(frame.timestamp == nil)
        #expect(Array(frame.payload.readableBytesView) == [1, 2])
    }

    @Test func unreadableNumbersAreAbsent() throws {
        let message = try parse(
            #"{"event":"media","sequenceNumber":"-1","media":{"chunk":"abc","timestamp":"1.5","payload":"AQI="}}"#)
        #expect(message.sequenceNumber == nil)
        #expect(message.event.frame?.chunk == nil)
        #expect(message.event.frame?.timestamp == nil)
        let objects = try parse(#"{"event":"media","sequenceNumber":{"n":1},"media":{"chunk":[1],"payload":"AQI="}}"#)
        #expect(objects.sequenceNumber == nil)
        #expect(objects.event.frame?.chunk == nil)
    }

    @Test(arguments: [
        ("inbound", MediaFrame.Track.inbound), ("inbound_track", .inbound), ("outbound", .outbound),
        ("outbound_track", .outbound), ("both", .other), ("", .other), ("Inbound", .other),
    ])
    func tracks(name: String, expected: MediaFrame.Track) throws {
        let message = try parse(#"{"event":"media","media":{"track":"\#(name)","payload":"AQI="}}"#)
        #expect(message.event.frame?.track == expected)
    }

    @Test func startDefaults() throws {
        let message = try parse(#"{"event":"start","start":{"streamSid":"MZ1"}}"#)
        #expect(message.sequenceNumber == nil)
        let info = try #require(message.event.info)
        #expect(info == MediaStreamInfo(streamSid: "MZ1", callSid: "MZ1"))
        #expect(info.accountSid == nil)
        #expect(info.callSid == "MZ1")
        #expect(info.tracks == ["inbound"])
        #expect(info.customParameters == [:])
        #expect(info.encoding == "audio/x-mulaw")
        #expect(info.sampleRate == 8000)
        #expect(info.channels == 1)
    }

    @Test func startPartialMediaFormat() throws {
        let message = try parse(
            #"{"event":"start","start":{"streamSid":"MZ1","mediaFormat":{"encoding":"audio/x-l16"}}}"#)
        #expect(message.event.info?.encoding == "audio/x-l16")
        #expect(message.event.info?.sampleRate == 8000)
        #expect(message.event.info?.channels == 1)
    }

    @Test func startStreamSidFromTheTopLevel() throws {
        let message = try parse(#"{"event":"start","start":{"callSid":"CA1"},"streamSid":"MZtop"}"#)
        #expect(message.event.info?.streamSid == "MZtop")
        #expect(message.event.info?.callSid == "CA1")
        // The start object's own streamSid wins over the top-level one, wherever each comes.
        let both = try parse(#"{"streamSid":"MZtop","event":"start","start":{"streamSid":"MZinner"}}"#)
        #expect(both.event.info?.streamSid == "MZinner")
        // A null callSid is absent: the stream id stands in.
        let nullCall = try parse(#"{"event":"start","start":{"streamSid":"MZ1","callSid":null}}"#)
        #expect(nullCall.event.info?.callSid == "MZ1")
    }

    @Test(arguments: [
        (#"["inbound","outbound"]"#, ["inbound", "outbound"]),
        (#""outbound""#, ["outbound"]),
        (#"[1,"outbound",{"x":1},["inbound"],null]"#, ["outbound"]),
        ("[]", ["inbound"]),
        (#"{"a":"outbound"}"#, ["inbound"]),
        ("null", ["inbound"]),
        (#"[ "inbound" , "outbound" ]"#, ["inbound", "outbound"]),
    ])
    func startTracks(tracks: String, expected: [String]) throws {
        let message = try parse(#"{"event":"start","start":{"streamSid":"MZ1","tracks":\#(tracks),"callSid":"CA1"}}"#)
        #expect(message.event.info?.tracks == expected)
        #expect(message.event.info?.callSid == "CA1")
    }

    @Test func customParameterValues() throws {
        let message = try parse(
            #"""
            {"event":"start","start":{"streamSid":"MZ1","customParameters":{"s":"text","n":42,"b":true,"z":null,"o":{"x":1},"a":[1],"esc\"aped":"line\nbreak \u00e9 \/","":"empty key","e":""}}}
            """#)
        #expect(
            message.event.info?.customParameters == [
                "s": "text", "n": "42", "b": "true", "esc\"aped": "line\nbreak é /", "": "empty key", "e": "",
            ])
    }

    @Test func unknownEvents() throws {
        #expect(try parse(#"{"event":"foo"}"#).event.unknownName == "foo")
        #expect(try parse(#"{"event":"Media","media":{"payload":"AQI="}}"#).event.unknownName == "Media")
        #expect(try parse(#"{"event":""}"#).event.unknownName == "")
        #expect(try parse(#"{"event":"caf\u00e9","sequenceNumber":"3"}"#).event.unknownName == "café")
        #expect(try parse(#"{"event":"foo","sequenceNumber":"3"}"#).sequenceNumber == 3)
    }

    @Test func readerIndexIsHonoured() throws {
        var message = ByteBuffer(string: "garbage" + #"{"event":"media","media":{"payload":"AQI="}}"#)
        message.moveReaderIndex(forwardBy: 7)
        var audio = ByteBuffer()
        let parsed = try TwilioMessageParser.parse(message, audio: &audio)
        #expect(parsed.event.frame.map { Array($0.payload.readableBytesView) } == [1, 2])
    }
}

@Suite("TwilioMessageParser errors")
struct TwilioMessageParserErrorTests {
    @Test(arguments: [
        (
            #"{"event":"media","sequenceNumber":"4","media":{"track":"inbound","chunk":"2"},"streamSid":"MZ1"}"#,
            "media.payload"
        ),
        (#"{"event":"media"}"#, "media.payload"),
        (#"{"event":"media","media":"AQI="}"#, "media.payload"),
        (#"{"event":"media","media":{"payload":null}}"#, "media.payload"),
        (#"{"event":"media","media":{"payload":123}}"#, "media.payload"),
        (#"{"event":"media","payload":"AQI="}"#, "media.payload"),
        (#"{"event":"start","sequenceNumber":"1","start":{"accountSid":"AC1","callSid":"CA1"}}"#, "start.streamSid"),
        (#"{"event":"start"}"#, "start.streamSid"),
        (#"{"event":"start","start":{"streamSid":""}}"#, "start.streamSid"),
        (#"{"event":"start","start":{"streamSid":null}}"#, "start.streamSid"),
        (#"{"event":"dtmf","streamSid":"MZ1","dtmf":{"track":"inbound_track"}}"#, "dtmf.digit"),
        (#"{"event":"dtmf","dtmf":{"digit":""}}"#, "dtmf.digit"),
        (#"{"event":"dtmf","dtmf":{"digit":null}}"#, "dtmf.digit"),
        (#"{"event":"dtmf"}"#, "dtmf.digit"),
        (#"{"event":"mark","mark":{}}"#, "mark.name"),
        (#"{"event":"mark","mark":{"name":null}}"#, "mark.name"),
        (#"{"sequenceNumber":"1","media":{"payload":"AQI="}}"#, "event"),
        ("{}", "event"),
        (#"{"event":1}"#, "event"),
        (#"{"event":null}"#, "event"),
        (#"{"event":true}"#, "event"),
        (#"{"event":["media"]}"#, "event"),
        (#"{"event":{"name":"media"}}"#, "event"),
    ])
    func missingRequiredFields(text: String, field: String) {
        let error = parseError(text)
        #expect(error == .missingField(field), "\(text)")
        #expect(error?.isMalformedJSON == false)
        #expect(error?.description == "missing or invalid field \(field)")
    }

    @Test(arguments: [
        "", " ", "not json", "[1,2]", "[]", #"[{"event":"media"}]"#, #""media""#, "42", "null", "true",
        #"{"event":"media""#, #"{"event":"media","#, #"{"event":"media",}"#, #"{"event":"media"} trailing"#,
        #"{"event":"media"}{}"#, #"{"event":'media'}"#, #"{event:"media"}"#, #"{"event":"me"#,
        #"{"event":"media","media":{"payload":"AQI="}"#, #"{"event":"media","media":{"payload":"AQI=}}"#,
        "{\"event\":\"media\u{1}\"}", #"{"event":"\x"}"#, "\u{FEFF}{\"event\":\"media\"}",
    ])
    func malformedJSON(text: String) {
        let error = parseError(text)
        #expect(error != nil, "\(text)")
        #expect(error?.isMalformedJSON == true, "\(text)")
    }

    @Test func notAnObjectDescription() {
        #expect(parseError("[1]")?.description == "not a JSON object")
        #expect(parseError("{\"event\":")?.description == "not JSON: JSON ends early at byte 9")
    }

    @Test func tooDeeplyNestedJunkIsMalformed() {
        let deep = String(repeating: "[", count: 10_000)
        let error = parseError(#"{"event":"media","x":\#(deep)"#)
        #expect(error?.isMalformedJSON == true)
        #expect(error?.description.contains("nested too deeply") == true)
    }

    @Test(arguments: ["AQI*", "A", "AQIDB", "====", "AQ=I", "AQ I=", "AQI=AQI=", "-_8=", "AQ\\nI="])
    func invalidBase64IsAnInvalidPayload(payload: String) {
        var audio = ByteBuffer(string: "kept")
        let error: TwilioParseError?
        do {
            _ = try TwilioMessageParser.parse(ByteBuffer(string: mediaMessage(payload: payload)), audio: &audio)
            error = nil
        } catch let caught {
            error = caught
        }
        #expect(error?.isMalformedJSON == false, "\(payload)")
        #expect(error?.description.hasPrefix("invalid media payload: invalid base64") == true, "\(payload)")
        // Nothing half-decoded is left behind.
        #expect(String(buffer: audio) == "kept")
    }
}

@Suite("TwilioMessageParser payloads")
struct TwilioMessageParserPayloadTests {
    @Test(arguments: [0, 1, 2, 3, 159, 160, 161, 320, 8000])
    func payloadOfEveryLengthDecodesExactly(count: Int) throws {
        let bytes = randomBytes(count, seed: UInt64(count))
        var audio = ByteBuffer()
        let message = try TwilioMessageParser.parse(
            ByteBuffer(string: mediaMessage(payload: Base64.encode(bytes))), audio: &audio)
        let frame = try #require(message.event.frame)
        #expect(Array(frame.payload.readableBytesView) == bytes)
        #expect(Array(audio.readableBytesView) == bytes)
    }

    @Test(arguments: [45_000, 60 * 1024])
    func hugePayload(count: Int) throws {
        let bytes = randomBytes(count, seed: 60)
        var audio = ByteBuffer()
        let message = try TwilioMessageParser.parse(
            ByteBuffer(string: mediaMessage(payload: Base64.encode(bytes))), audio: &audio)
        #expect(message.event.frame.map { Array($0.payload.readableBytesView) } == bytes)
    }

    @Test func escapedSlashesDecodeTheSame() throws {
        // Every byte value, so the base64 holds many '/' and '+'.
        let bytes = (0...255).map(UInt8.init) + randomBytes(500, seed: 47)
        let plain = Base64.encode(bytes)
        #expect(plain.contains("/"))
        let escaped = plain.replacingAll("/", with: #"\/"#)
        for payload in [plain, escaped] {
            var audio = ByteBuffer()
            let message = try TwilioMessageParser.parse(
                ByteBuffer(string: mediaMessage(payload: payload)), audio: &audio)
            #expect(message.event.frame.map { Array($0.payload.readableBytesView) } == bytes)
        }
    }

    @Test func otherEscapesInThePayloadDecodeToo() throws {
        // "+/8=" with '+' and '=' written as \u escapes and '/' as \/.
        let message = try parse(mediaMessage(payload: #"\u002b\/8\u003D"#))
        #expect(message.event.frame.map { Array($0.payload.readableBytesView) } == [0xFB, 0xFF])
    }

    @Test func decodedAudioIsAppendedToTheCallersBuffer() throws {
        var audio = ByteBuffer(string: "xy")
        let message = try TwilioMessageParser.parse(ByteBuffer(string: mediaMessage(payload: "AQID")), audio: &audio)
        #expect(Array(audio.readableBytesView) == Array("xy".utf8) + [1, 2, 3])
        // The frame carries the caller's buffer, as documented.
        #expect(message.event.frame?.payload == audio)
    }

    @Test func aReusedBufferCarriesEachMessage() throws {
        var audio = ByteBuffer()
        for count in [160, 3, 0, 161] {
            audio.clear()
            let bytes = randomBytes(count, seed: UInt64(count) + 1)
            let message = try TwilioMessageParser.parse(
                ByteBuffer(string: mediaMessage(payload: Base64.encode(bytes))), audio: &audio)
            #expect(message.event.frame.map { Array($0.payload.readableBytesView) } == bytes)
        }
    }

    @Test func otherEventsLeaveTheAudioBufferAlone() throws {
        var audio = ByteBuffer(string: "kept")
        _ = try TwilioMessageParser.parse(
            ByteBuffer(string: #"{"event":"dtmf","media":{"payload":"AQI="},"dtmf":{"digit":"5"}}"#), audio: &audio)
        #expect(String(buffer: audio) == "kept")
    }

    @Test func randomInputNeverCrashes() {
        var random = TestRandom(seed: 0x7711)
        let base = Array(mediaMessage(payload: "f/+AAH8=").utf8)
        let alphabet = Array(#"{}[]:,"\/ 0123456789-.eEtrufalsn=+AQIe"#.utf8) + [0x00, 0x0A, 0xFF]
        for round in 0..<10_000 {
            var bytes: [UInt8]
            if round.isMultiple(of: 2) {
                bytes = base
                for _ in 0...Int.random(in: 0...4, using: &random) {
                    bytes[Int.random(in: 0..<bytes.count, using: &random)] = alphabet.randomElement(using: &random)!
                }
                bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &random)))
            } else {
                bytes = (0..<Int.random(in: 0...64, using: &random)).map { _ in alphabet.randomElement(using: &random)!
                }
            }
            var audio = ByteBuffer()
            _ = try? TwilioMessageParser.parse(ByteBuffer(bytes: bytes), audio: &audio)
        }
    }
}

extension String {
    fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }
}
