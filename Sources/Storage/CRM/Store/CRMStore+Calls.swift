public import Core

/// What the media path reports of a stream, as the call log stores it.
public struct CallStart: Sendable, Hashable {
    public var callSid: String
    public var streamSid: String
    public var accountSid: String?
    public var app: String
    public var startedAt: Timestamp
    /// A ticket named by the stream's `ticket_id` custom parameter.
    public var ticketID: String?

    public init(
        callSid: String, streamSid: String, accountSid: String?, app: String, startedAt: Timestamp, ticketID: String?
    ) {
        self.callSid = callSid
        self.streamSid = streamSid
        self.accountSid = accountSid
        self.app = app
        self.startedAt = startedAt
        self.ticketID = ticketID
    }
}

public struct CallEnd: Sendable, Hashable {
    public var streamSid: String
    public var endedAt: Timestamp
    public var durationMilliseconds: Int64
    public var reason: String
    public var mediaReceived: Int64
    public var mediaSent: Int64
    public var messagesLost: Int64
    public var receiveDropped: Int64
    public var sendDropped: Int64
    public var dtmf: String
    public var recordingPath: String?

    public init(
        streamSid: String, endedAt: Timestamp, durationMilliseconds: Int64, reason: String, mediaReceived: Int64,
        mediaSent: Int64, messagesLost: Int64, receiveDropped: Int64, sendDropped: Int64, dtmf: String,
        recordingPath: String?
    ) {
        self.streamSid = streamSid
        self.endedAt = endedAt
        self.durationMilliseconds = durationMilliseconds
        self.reason = reason
        self.mediaReceived = mediaReceived
        self.mediaSent = mediaSent
        self.messagesLost = messagesLost
        self.receiveDropped = receiveDropped
        self.sendDropped = sendDropped
        self.dtmf = dtmf
        self.recordingPath = recordingPath
    }
}

public struct CallQuery: Sendable, Hashable {
    public var status: CallRecord.Status?
    public var callSid: String?
    public var ticketID: String?
    public var list = ListQuery()

    public init() {}
}

extension CRMStore {
    /// Inserts the row for a new stream; a repeated `call.started` for the same stream changes nothing.
    @discardableResult
    public func recordCallStarted(_ start: CallStart) async throws -> CallRecord {
        try await self.write(by: .system) { transaction in
            try transaction.insertCall(start)
            return try transaction.call(streamSid: start.streamSid)
        }
    }

    /// Completes the stream's row. A `call.ended` without a row (the start was lost) still records
    /// the call, with its start time derived from the duration.
    @discardableResult
    public func recordCallEnded(_ end: CallEnd, start: CallStart) async throws -> CallRecord {
        try await self.write(by: .system) { transaction in
            try transaction.insertCall(start)
            try transaction.connection.execute(
                """
                UPDATE calls SET status = 'ended', ended_at = $1, duration_ms = $2, end_reason = $3, media_received = $4,
                media_sent = $5, messages_lost = $6, receive_dropped = $7, send_dropped = $8, dtmf = $9,
                recording_path = $10 WHERE stream_sid = $11
                """,
                .integer(end.endedAt.microseconds), .integer(end.durationMilliseconds), .text(end.reason),
                .integer(end.mediaReceived), .integer(end.mediaSent), .integer(end.messagesLost),
                .integer(end.receiveDropped), .integer(end.sendDropped), .text(end.dtmf), SQLValue(end.recordingPath),
                .text(end.streamSid))
            return try transaction.call(streamSid: end.streamSid)
        }
    }

    public func call(id: String) async throws -> CallRecord {
        try await self.read { try $0.fetch(CallRecord.self, id) }
    }

    public func calls(_ query: CallQuery) async throws -> Page<CallRecord> {
        try await self.read { transaction in
            var builder = SQLBuilder("SELECT \(CallRecord.columns) FROM calls")
            if let status = query.status { builder.condition("status = \(builder.bind(.text(status.rawValue)))") }
            if let callSid = query.callSid { builder.condition("call_sid = \(builder.bind(.text(callSid)))") }
            if let ticket = query.ticketID { builder.condition("ticket_id = \(builder.bind(.text(ticket)))") }
            let list = query.list
            return try transaction.page(
                &builder, sort: list.sortName, column: "started_at", descending: !list.ascending, limit: list.limit,
                cursor: list.cursor, decode: CallRecord.init(row:), key: { ($0.startedAt.microseconds, $0.id) })
        }
    }
}

extension CRMTransaction {
    func call(streamSid: String) throws -> CallRecord {
        try self.fetch(CallRecord.self, streamSid, column: "stream_sid")
    }

    /// The row for a stream if there is none yet; a `ticket_id` that names no ticket is dropped.
    func insertCall(_ start: CallStart) throws {
        var ticketID = start.ticketID
        if let id = ticketID,
            try self.connection.query("SELECT id FROM tickets WHERE id = $1", .text(id)).isEmpty
        {
            ticketID = nil
        }
        try self.connection.execute(
            """
            INSERT INTO calls (id, call_sid, stream_sid, account_sid, app, status, ticket_id, started_at)
            VALUES ($1, $2, $3, $4, $5, 'active', $6, $7) ON CONFLICT (stream_sid) DO NOTHING
            """,
            .text(ResourceID.make("cal", at: start.startedAt)), .text(start.callSid), .text(start.streamSid),
            SQLValue(start.accountSid), .text(start.app), SQLValue(ticketID), .integer(start.startedAt.microseconds))
    }
}
