import Core
import Storage

/// A call row as the API shows it. The recording appears as a download link; its path on disk is
/// never shown.
struct CallResource: JSONWritable {
    let call: CallRecord

    init(_ call: CallRecord) {
        self.call = call
    }

    func write(to json: inout JSONWriter) {
        let call = self.call
        json.object { json in
            json.field("account_sid", call.accountSid)
            json.field("app", call.app)
            json.field("call_sid", call.callSid)
            json.field("dtmf", call.dtmf)
            json.field("duration_ms", call.durationMilliseconds)
            json.field("end_reason", call.endReason)
            json.field("ended_at", call.endedAt?.rfc3339)
            json.field("id", call.id)
            json.field("media_received", call.mediaReceived)
            json.field("media_sent", call.mediaSent)
            json.field("messages_lost", call.messagesLost)
            json.field("receive_dropped", call.receiveDropped)
            json.field("recording_url", call.recordingPath.map { _ in "/v1/calls/\(call.id)/recording" })
            json.field("send_dropped", call.sendDropped)
            json.field("started_at", call.startedAt.rfc3339)
            json.field("status", call.status.rawValue)
            json.field("stream_sid", call.streamSid)
            json.field("ticket_id", call.ticketID)
        }
    }
}

/// An audit entry as the API shows it.
struct AuditResource: JSONWritable {
    let entry: AuditEntry

    init(_ entry: AuditEntry) {
        self.entry = entry
    }

    private struct Change: JSONWritable {
        let change: AuditChange

        func write(to json: inout JSONWriter) {
            json.object { json in
                json.field("field", self.change.field)
                json.field("from", self.change.from)
                json.field("to", self.change.to)
            }
        }
    }

    func write(to json: inout JSONWriter) {
        let entry = self.entry
        json.object { json in
            json.field("action", entry.action)
            json.field("actor", entry.actor.id)
            json.field("actor_role", entry.actor.role)
            json.field("at", entry.at.rfc3339)
            json.field("changes", entry.changes.map(Change.init))
            json.field("entity_id", entry.entityID)
            json.field("entity_type", entry.entityType)
            json.field("id", entry.id)
        }
    }
}
