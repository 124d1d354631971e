import Core
import Foundation
import REST
import Storage
import SwitchboardTestSupport
import Testing

/// `GET /v1/calls[/{id}]` on both backends: rows written by the call log from the media path's
/// events on the bus, idempotent for repeated starts, complete for an end without a start, and
/// linked to existing tickets only.
@Suite(.timeLimit(.minutes(1)))
struct CallRoutesTests {
    @Test(arguments: StorageBackend.allCases)
    func rowsFollowStartedAndEndedEvents(backend: StorageBackend) async throws {
        try await withCRMServer(backend) { running, api in
            let calls = CallEvents(running)
            try await calls.waitForCallLog()
            let customer = try await CRMFixtures.customer(api)
            let ticket = try await CRMFixtures.ticketID(api, customer: customer)
            let start = Timestamp.now().microseconds / 1000 - 60_000
            let call = calls.make(app: "monitor", ticketID: ticket)

            calls.publish(call.started(at: start))
            let active = try await calls.row(api, callSid: call.callSid) { $0["status"] as? String == "active" }
            let id = try #require(active["id"] as? String)
            #expect(id.hasPrefix("cal_"))
            #expect(active["stream_sid"] as? String == call.streamSid)
            #expect(active["account_sid"] as? String == call.accountSid)
            #expect(active["app"] as? String == "monitor")
            #expect(active["ticket_id"] as? String == ticket)
            #expect(active["started_at"] as? String == Timestamp(milliseconds: start).rfc3339)
            for field in ["ended_at", "duration_ms", "end_reason", "recording_url", "receive_dropped"] {
                #expect(active[field] is NSNull, "\(field) of an active call")
            }
            let stillActive = try await api.get("/v1/calls/\(id)/recording")
            #expect(stillActive.status == 404)
            #expect(stillActive.isProblem)
            #expect(stillActive.detail.contains("active"), "\(stillActive.body)")

            // A repeated start (a reconnecting provider) changes nothing.
            calls.publish(call.started(at: start + 5000))
            var summary = CallEvent.Summary(
                durationMilliseconds: 1500, reason: "stop", mediaReceived: 75, mediaSent: 12, messagesLost: 2,
                receiveDropped: 3, sendDropped: 4, dtmfDigits: "12#", recordingPath: "/elsewhere/call.wav")
            summary.voiceMilliseconds = 900
            calls.publish(call.ended(at: start + 1500, summary))
            let ended = try await calls.row(api, callSid: call.callSid) { $0["status"] as? String == "ended" }
            #expect(ended["id"] as? String == id, "the same row, completed")
            #expect(ended["started_at"] as? String == Timestamp(milliseconds: start).rfc3339)
            #expect(ended["ended_at"] as? String == Timestamp(milliseconds: start + 1500).rfc3339)
            #expect(ended["duration_ms"] as? Int == 1500)
            #expect(ended["end_reason"] as? String == "stop")
            #expect(ended["media_received"] as? Int == 75)
            #expect(ended["media_sent"] as? Int == 12)
            #expect(ended["messages_lost"] as? Int == 2)
            #expect(ended["receive_dropped"] as? Int == 3)
            #expect(ended["send_dropped"] as? Int == 4)
            #expect(ended["dtmf"] as? String == "12#")
            #expect(ended["ticket_id"] as? String == ticket)
            #expect(ended["recording_url"] as? String == "/v1/calls/\(id)/recording")
            let fetched = try await api.with(key: TestAPIKeys.agent).get("/v1/calls/\(id)")
            #expect(fetched.status == 200)
            #expect(jsonEqual(fetched.object, ended))
            #expect(!fetched.body.contains("/elsewhere"), "the path on disk is never shown")

            // The row names a file outside RECORDINGS_DIR: it is not served.
            let outside = try await api.get("/v1/calls/\(id)/recording")
            #expect(outside.status == 404, "\(outside.body)")
            #expect(outside.isProblem)

            // A start after the end does not reopen the call.
            calls.publish(call.started(at: start + 9000))
            let sentinel = calls.make(app: "echo")
            calls.publish(sentinel.started(at: start))
            _ = try await calls.row(api, callSid: sentinel.callSid) { _ in true }
            let rows = try await api.get("/v1/calls?call_sid=\(call.callSid)")
            #expect(rows.items.count == 1)
            #expect(rows.items.first?["status"] as? String == "ended")
            #expect(rows.items.first?["ended_at"] as? String == Timestamp(milliseconds: start + 1500).rfc3339)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func anEndWithoutAStartStillMakesTheRowAndUnknownTicketsAreDropped(backend: StorageBackend) async throws {
        try await withCRMServer(backend) { running, api in
            let calls = CallEvents(running)
            try await calls.waitForCallLog()
            let now = Timestamp.now().microseconds / 1000
            let lost = calls.make(app: "echo", ticketID: CRMFixtures.unknownID("tkt"))
            calls.publish(lost.ended(at: now, CallEvent.Summary(durationMilliseconds: 4000, reason: "closed")))
            let row = try await calls.row(api, callSid: lost.callSid) { _ in true }
            #expect(row["status"] as? String == "ended")
            #expect(row["started_at"] as? String == Timestamp(milliseconds: now - 4000).rfc3339, "end minus duration")
            #expect(row["ended_at"] as? String == Timestamp(milliseconds: now).rfc3339)
            #expect(row["duration_ms"] as? Int == 4000)
            #expect(row["end_reason"] as? String == "closed")
            #expect(row["ticket_id"] is NSNull, "a ticket id that names no ticket is dropped")
            #expect(row["recording_url"] is NSNull)
            let id = try #require(row["id"] as? String)
            let unrecorded = try await api.get("/v1/calls/\(id)/recording")
            #expect(unrecorded.status == 404)
            #expect(unrecorded.isProblem)
            #expect(unrecorded.detail.contains("not recorded"), "\(unrecorded.body)")

            let hostile = calls.make(app: "echo", ticketID: "'; DROP TABLE tickets; --")
            calls.publish(hostile.started(at: now))
            let hostileRow = try await calls.row(api, callSid: hostile.callSid) { _ in true }
            #expect(hostileRow["ticket_id"] is NSNull)
            #expect(try await api.get("/v1/tickets").status == 200)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func filtersAndPages(backend: StorageBackend) async throws {
        try await withCRMServer(backend) { running, api in
            let calls = CallEvents(running)
            try await calls.waitForCallLog()
            let customer = try await CRMFixtures.customer(api)
            let ticket = try await CRMFixtures.ticketID(api, customer: customer)
            let now = Timestamp.now().microseconds / 1000
            let first = calls.make(app: "echo", ticketID: ticket)
            let second = calls.make(app: "monitor")
            let third = calls.make(app: "playback", ticketID: ticket, callSid: first.callSid)
            calls.publish(first.started(at: now - 3000))
            calls.publish(second.started(at: now - 2000))
            calls.publish(third.started(at: now - 1000))
            calls.publish(first.ended(at: now - 500, CallEvent.Summary(durationMilliseconds: 2500, reason: "stop")))
            _ = try await calls.row(api, of: third) { _ in true }
            _ = try await calls.row(api, of: first) { $0["status"] as? String == "ended" }

            func streams(_ query: String) async throws -> [String] {
                let list = try await api.with(key: TestAPIKeys.agent).get("/v1/calls?" + query)
                try #require(list.status == 200, "\(query): \(list.body)")
                return list.items.compactMap { $0["stream_sid"] as? String }
            }
            let all = [third.streamSid, second.streamSid, first.streamSid]
            #expect(try await streams("") == all, "newest first")
            #expect(try await streams("sort=created_at") == all.reversed())
            #expect(try await streams("status=ended") == [first.streamSid])
            #expect(try await streams("status=active") == [third.streamSid, second.streamSid])
            #expect(try await streams("call_sid=\(first.callSid)") == [third.streamSid, first.streamSid])
            #expect(try await streams("ticket_id=\(ticket)") == [third.streamSid, first.streamSid])
            #expect(try await streams("ticket=\(ticket)&status=active") == [third.streamSid])
            #expect(try await streams("call_sid=CAnobody").isEmpty)
            let paged = try await CRMFixtures.allItems(api, "/v1/calls?limit=1")
            #expect(paged.compactMap { $0["stream_sid"] as? String } == all)

            for query in [
                "status=ringing", "status=active,ended", "limit=0", "q=x",
                "call_sid=" + String(repeating: "C", count: 65),
            ] {
                let refused = try await api.get("/v1/calls?" + query)
                #expect(refused.status == 400, "\(query): \(refused.body)")
                #expect(refused.isProblem)
            }
            #expect(try await api.get("/v1/calls/" + CRMFixtures.unknownID("cal")).status == 404)
            #expect(try await api.get("/v1/calls/" + CRMFixtures.unknownID("cal") + "/recording").status == 404)
            #expect(try await api.get("/v1/calls/nope").status == 404)
            #expect(try await api.with(key: nil).get("/v1/calls").status == 401)
        }
    }

    @Test func aLiveMonitorCallIsLoggedAndItsRecordingServed() async throws {
        let recordings = NSTemporaryDirectory() + "switchboard-crm-recordings-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: recordings) }
        try await withCRMServer(.sqlite, configure: { $0.recordingsDirectory = recordings }) { running, api in
            try await CallEvents(running).waitForCallLog()
            let customer = try await CRMFixtures.customer(api)
            let ticket = try await CRMFixtures.ticketID(api, customer: customer, ["channel": "phone"])
            let call = try await withBlockingIO { try TwilioTestCall(port: running.port) }
            try await withBlockingIO {
                try call.start(app: "monitor", parameters: ["ticket_id": ticket])
                for index in 0..<50 {
                    try call.sendMedia((0..<160).map { UInt8(truncatingIfNeeded: $0 * 7 + index) })
                }
                try call.sendDTMF("5")
                try call.stop()
                try call.client.expectClose(code: 1000)
            }
            let row = try await CallEvents(running).row(api, callSid: call.callSid, timeout: .seconds(10)) {
                $0["status"] as? String == "ended"
            }
            let id = try #require(row["id"] as? String)
            #expect(row["stream_sid"] as? String == call.streamSid)
            #expect(row["app"] as? String == "monitor")
            #expect(row["ticket_id"] as? String == ticket)
            #expect(row["media_received"] as? Int == 50)
            #expect(row["dtmf"] as? String == "5")
            #expect(row["end_reason"] as? String == "stop")
            let url = try #require(row["recording_url"] as? String)
            #expect(url == "/v1/calls/\(id)/recording")
            let byTicket = try await api.get("/v1/calls?ticket_id=\(ticket)&status=ended")
            #expect(byTicket.items.compactMap { $0["id"] as? String } == [id])

            let files = try FileManager.default.contentsOfDirectory(atPath: recordings).filter { $0.hasSuffix(".wav") }
            try #require(files.count == 1, "\(files)")
            let onDisk = try #require(FileManager.default.contents(atPath: recordings + "/" + files[0])).map { $0 }
            // A mu-law WAV: the 58-byte header (an 18-byte `fmt ` chunk and a `fact` chunk), then the audio.
            #expect(onDisk.count == 58 + 50 * 160)

            let whole = try await RawDownload.get(port: running.port, url, key: TestAPIKeys.agent)
            #expect(whole.status == 200)
            #expect(whole.headers["content-type"] == "audio/wav")
            #expect(whole.headers["accept-ranges"] == "bytes")
            #expect(whole.headers["content-length"] == String(onDisk.count))
            #expect(whole.headers["content-disposition"]?.contains(files[0]) == true)
            #expect(whole.body.starts(with: Array("RIFF".utf8)))
            #expect(whole.body == onDisk, "the download is the file, byte for byte")

            let head = try await RawDownload.get(port: running.port, url, key: TestAPIKeys.agent, range: "bytes=0-43")
            #expect(head.status == 206)
            #expect(head.headers["content-range"] == "bytes 0-43/\(onDisk.count)")
            #expect(head.headers["content-length"] == "44")
            #expect(head.body == Array(onDisk[0..<44]))
            #expect(head.body.starts(with: Array("RIFF".utf8)) && head.body[8..<12] == Array("WAVE".utf8)[...])

            let tail = try await RawDownload.get(port: running.port, url, key: TestAPIKeys.agent, range: "bytes=-100")
            #expect(tail.status == 206)
            #expect(tail.headers["content-range"] == "bytes \(onDisk.count - 100)-\(onDisk.count - 1)/\(onDisk.count)")
            #expect(tail.body == Array(onDisk.suffix(100)))
            let open = try await RawDownload.get(port: running.port, url, key: TestAPIKeys.agent, range: "bytes=8000-")
            #expect(open.status == 206)
            #expect(open.body == Array(onDisk[8000...]))
            let clamped = try await RawDownload.get(
                port: running.port, url, key: TestAPIKeys.agent, range: "bytes=8000-999999")
            #expect(clamped.status == 206)
            #expect(clamped.headers["content-range"] == "bytes 8000-\(onDisk.count - 1)/\(onDisk.count)")

            for range in ["bytes=999999-", "bytes=50-10", "bytes=0-1,5-9", "items=0-1", "bytes=abc", "bytes=-0"] {
                let refused = try await api.get(url, headers: [("Range", range)])
                #expect(refused.status == 416, "\(range): \(refused.status) \(refused.body)")
                #expect(refused.isProblem, "\(range): \(refused.body)")
                #expect(refused[header: "content-range"] == "bytes */\(onDisk.count)", "\(range)")
            }
            #expect(try await api.with(key: nil).get(url).status == 401)
            let viaClient = try await api.get(url, headers: [("Range", "bytes=0-43")])
            #expect(viaClient[header: "content-length"] == "44", "one Content-Length")

            try FileManager.default.removeItem(atPath: recordings + "/" + files[0])
            let removed = try await api.get(url)
            #expect(removed.status == 404, "\(removed.body)")
            #expect(removed.isProblem)
            #expect(
                try await api.get("/v1/calls/\(id)").string("recording_url") == url, "the row still says where it was")
        }
    }

    /// A graceful shutdown drains the media sockets first, and their `call.ended` events reach the
    /// call log just before it is asked to stop: those rows must still be completed.
    @Test func callsThatEndAsTheServerShutsDownAreStillCompleted() async throws {
        let url = try await PostgresTestServer.shared.makeDatabase()
        let count = 100
        try await withSwitchboardServer(configure: { $0.databaseURL = url }) { running in
            let calls = CallEvents(running)
            try await calls.waitForCallLog()
            let api = APIClient(port: running.port)
            let now = Timestamp.now().microseconds / 1000
            let made = (0..<count).map { _ in calls.make(app: "echo") }
            for call in made { calls.publish(call.started(at: now)) }
            let deadline = ContinuousClock.now + .seconds(10)
            while try await CRMFixtures.allItems(api, "/v1/calls?limit=200").count < count {
                try #require(ContinuousClock.now < deadline, "the started rows were not written")
                try await Task.sleep(for: .milliseconds(20))
            }
            for call in made {
                calls.publish(call.ended(at: now + 1000, CallEvent.Summary(durationMilliseconds: 1000, reason: "stop")))
            }
            await running.shutDown()
        }
        let database = SQLDatabase(connector: PostgresConnector(url: url))
        let statuses = try await database.read { connection in
            try connection.query("SELECT status, count(*) AS n FROM calls GROUP BY status").map {
                (try $0.text("status"), try $0.integer("n"))
            }
        }
        try await database.shutdown()
        let byStatus = Dictionary(statuses) { first, _ in first }
        #expect(byStatus == ["ended": Int64(count)], "rows left active by the shutdown: \(byStatus)")
    }
}

/// Call events for one test server, and polling for the rows the call log makes of them.
struct CallEvents {
    let running: RunningServer

    init(_ running: RunningServer) {
        self.running = running
    }

    struct Call {
        var callSid: String
        var streamSid: String
        var accountSid: String
        var app: String
        var ticketID: String?

        func started(at milliseconds: Int64) -> CallEvent {
            CallEvent(
                kind: .started, callSid: self.callSid, streamSid: self.streamSid, accountSid: self.accountSid,
                app: self.app, ticketID: self.ticketID, timestampMilliseconds: milliseconds)
        }

        func ended(at milliseconds: Int64, _ summary: CallEvent.Summary) -> CallEvent {
            CallEvent(
                kind: .ended, callSid: self.callSid, streamSid: self.streamSid, accountSid: self.accountSid,
                app: self.app, ticketID: self.ticketID, timestampMilliseconds: milliseconds, summary: summary)
        }
    }

    func make(app: String, ticketID: String? = nil, callSid: String = "CA" + TwilioTestCall.hex(32)) -> Call {
        Call(
            callSid: callSid, streamSid: "MZ" + TwilioTestCall.hex(32), accountSid: "AC" + TwilioTestCall.hex(32),
            app: app, ticketID: ticketID)
    }

    func publish(_ event: CallEvent) {
        self.running.server.eventBus.publish(.call(event))
    }

    /// Waits until the call log listens on the bus: events published before that are not seen.
    func waitForCallLog(timeout: Duration = .seconds(5)) async throws {
        let bus = try #require(self.running.server.eventBus as? InProcessEventBus)
        let deadline = ContinuousClock.now + timeout
        while bus.subscriberCount == 0 {
            try #require(ContinuousClock.now < deadline, "the call log never subscribed")
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Polls `GET /v1/calls?call_sid=` until the call's one row satisfies `condition`.
    func row(
        _ api: APIClient, callSid: String, timeout: Duration = .seconds(5),
        where condition: ([String: Any]) -> Bool
    ) async throws -> [String: Any] {
        try await self.row(api, query: "call_sid=\(callSid)", timeout: timeout, where: condition)
    }

    /// Polls until the row of `call`'s stream satisfies `condition`; the call's other streams may have rows too.
    func row(
        _ api: APIClient, of call: Call, timeout: Duration = .seconds(5), where condition: ([String: Any]) -> Bool
    ) async throws -> [String: Any] {
        try await self.row(api, query: "call_sid=\(call.callSid)", timeout: timeout) {
            $0["stream_sid"] as? String == call.streamSid && condition($0)
        }
    }

    private func row(
        _ api: APIClient, query: String, timeout: Duration, where condition: ([String: Any]) -> Bool
    ) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + timeout
        var last = ""
        while ContinuousClock.now < deadline {
            let list = try await api.get("/v1/calls?" + query)
            last = "\(list.status) \(list.body)"
            let matching = list.items.filter(condition)
            if list.status == 200, matching.count == 1, let row = matching.first { return row }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("no matching call row for \(query) within \(timeout); last answer: \(last)")
        throw CallRowTimeout()
    }

    struct CallRowTimeout: Error {}
}

/// A GET whose body is kept as bytes (``APIClient`` decodes bodies as text, which binary audio is not).
enum RawDownload {
    struct Response {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
    }

    static func get(port: Int, _ path: String, key: String, range: String? = nil) async throws -> Response {
        try await withBlockingIO {
            let socket = try RawSocket(port: port)
            defer { socket.close() }
            var request =
                "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nX-API-Key: \(key)\r\nConnection: close\r\n"
            if let range { request += "Range: \(range)\r\n" }
            try socket.send(Array((request + "\r\n").utf8))
            var bytes: [UInt8] = []
            let deadline = ContinuousClock.now + .seconds(5)
            receiving: while ContinuousClock.now < deadline {
                switch try socket.receive(timeout: .seconds(5)) {
                case .bytes(let chunk): bytes += chunk
                case .endOfStream: break receiving
                case .timedOut: throw RawDownloadError("the server neither answered nor closed")
                }
            }
            guard let end = bytes.firstRange(of: Array("\r\n\r\n".utf8))?.lowerBound else {
                throw RawDownloadError("no response head in \(bytes.count) bytes")
            }
            let lines = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
            let status = Int(lines[0].split(separator: " ")[1]) ?? 0
            var headers: [String: String] = [:]
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                    in: .whitespaces)
            }
            return Response(status: status, headers: headers, body: Array(bytes[(end + 4)...]))
        }
    }

    struct RawDownloadError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
