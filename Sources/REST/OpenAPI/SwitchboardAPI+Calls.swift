import HTTPTypes
import Storage

extension SwitchboardAPI {
    static var callOperations: [OpenAPIOperation] {
        let id = Parameter.id("cal", "call")
        let ticket = OpenAPISchema.string(maxLength: 64, "A ticket id.")
        return [
            keyed(
                OpenAPIOperation(
                    method: .get, path: "/v1/calls", id: "listCalls", tag: "Calls", summary: "List calls",
                    details: "One row per media stream, newest first by default (`sort` orders by `started_at`).",
                    parameters: [
                        Parameter.query("status", .choice(CallRecord.Status.self), "Active or ended calls."),
                        Parameter.query("call_sid", .string(maxLength: 64), "The streams of this provider call."),
                        Parameter.query("ticket", ticket, "The calls linked to this ticket."),
                        Parameter.alias("ticket_id", of: "ticket", ticket),
                        Parameter.createdSort(),
                    ] + Parameter.page,
                    responses: [Answer.page("CallPage", "A page of calls."), Answer.badQuery])),
            keyed(
                OpenAPIOperation(
                    method: .get, path: "/v1/calls/{id}", id: "getCall", tag: "Calls", summary: "Get a call",
                    details: "Its figures are `null` until the call ends.",
                    parameters: [id],
                    responses: [Answer.json(200, "Call", "The call."), Answer.problem(404, "No call has this id.")])),
            keyed(
                OpenAPIOperation(
                    method: .get, path: "/v1/calls/{id}/recording", id: "getCallRecording", tag: "Calls",
                    summary: "Download a call's recording",
                    details: "The WAV the `monitor` app wrote, whole or by byte range (audio players seek with"
                        + " `Range`).",
                    parameters: [id, Parameter.range],
                    responses: [
                        OpenAPIResponse(
                            status: 200, summary: "The whole recording.", content: [("audio/wav", Self.binary)],
                            headers: [Header.acceptRanges, Header.contentDisposition]),
                        OpenAPIResponse(
                            status: 206, summary: "The requested bytes.", content: [("audio/wav", Self.binary)],
                            headers: [Header.contentRange, Header.acceptRanges, Header.contentDisposition]),
                        Answer.problem(
                            404,
                            "No call has this id, the call is still active, it was not recorded, or the file is gone."
                        ),
                        {
                            var answer = Answer.problem(416, "The `Range` is not one range inside the file.")
                            answer.headers.append(Header.contentRange)
                            return answer
                        }(),
                    ])),
        ]
    }

    /// Bytes, as 3.1 writes a non-JSON body (`contentMediaType` on the media type is implied).
    static var binary: OpenAPISchema {
        var schema = OpenAPISchema(types: ["string"])
        schema.summary = "RIFF WAVE audio."
        return schema
    }

    static var auditOperations: [OpenAPIOperation] {
        [
            keyed(
                OpenAPIOperation(
                    method: .get, path: "/v1/audit", id: "listAudit", tag: "Audit", summary: "Read the audit log",
                    details: "Admin keys only. Newest first by default.", access: .admin,
                    parameters: [
                        Parameter.query(
                            "entity_type", .string(maxLength: 32), "`ticket`, `message`, `customer` or `agent`."),
                        Parameter.query("entity_id", .string(maxLength: 64), "The entries about this resource."),
                        Parameter.query("actor", .string(maxLength: 64), "The entries of this key id (`key_...`)."),
                        Parameter.createdSort(),
                    ] + Parameter.page,
                    responses: [Answer.page("AuditPage", "A page of audit entries."), Answer.badQuery]))
        ]
    }
}
