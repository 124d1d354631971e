import Core
import Storage

struct CallResource: Encodable, Sendable {
    var id: String
    var callSid: String
    var streamSid: String
    var accountSid: Nullable<String>
    var app: String
    var status: String
    var ticketId: Nullable<String>
    var startedAt: String
    var endedAt: Nullable<String>
    var durationMs: Nullable<Int64>
    var endReason: Nullable<String>
    var mediaReceived: Nullable<Int64>
    var mediaSent: Nullable<Int64>
    var messagesLost: Nullable<Int64>
    var receiveDropped: Nullable<Int64>
    var sendDropped: Nullable<Int64>
    var dtmf: Nullable<String>
    /// Where to download the WAV; the file's path on disk is never shown.
    var recordingUrl: Nullable<String>

    init(_ call: CallRecord) {
        self.id = call.id
        self.callSid = call.callSid
        self.streamSid = call.streamSid
        self.accountSid = Nullable(call.accountSid)
        self.app = call.app
        self.status = call.status.rawValue
        self.ticketId = Nullable(call.ticketID)
        self.startedAt = call.startedAt.rfc3339
        self.endedAt = Nullable(call.endedAt?.rfc3339)
        self.durationMs = Nullable(call.durationMilliseconds)
        self.endReason = Nullable(call.endReason)
        self.mediaReceived = Nullable(call.mediaReceived)
        self.mediaSent = Nullable(call.mediaSent)
        self.messagesLost = Nullable(call.messagesLost)
        self.receiveDropped = Nullable(call.receiveDropped)
        self.sendDropped = Nullable(call.sendDropped)
        self.dtmf = Nullable(call.dtmf)
        self.recordingUrl = Nullable(call.recordingPath.map { _ in "/v1/calls/\(call.id)/recording" })
    }
}

struct AuditResource: Encodable, Sendable {
    struct Change: Encodable, Sendable {
        var field: String
        var from: Nullable<String>
        var to: Nullable<String>
    }

    var id: String
    var at: String
    var actor: String
    var actorRole: String
    var action: String
    var entityType: String
    var entityId: String
    var changes: [Change]

    init(_ entry: AuditEntry) {
        self.id = entry.id
        self.at = entry.at.rfc3339
        self.actor = entry.actor.id
        self.actorRole = entry.actor.role
        self.action = entry.action
        self.entityType = entry.entityType
        self.entityId = entry.entityID
        self.changes = entry.changes.map { Change(field: $0.field, from: Nullable($0.from), to: Nullable($0.to)) }
    }
}
