import Core
import Storage

extension SwitchboardAPI {
    /// `components/schemas`: the resources as `CRM/Resources` writes them (every key always present,
    /// `null` when there is no value), the list pages, the request bodies as the routes read them, and
    /// the problem body.
    enum Schema {
        /// An id of `prefix`: the prefix, `_`, and 26 characters of Crockford base32.
        static func id(_ prefix: String) -> OpenAPISchema {
            .string(pattern: "^\(prefix)_[0-9A-HJKMNP-TV-Z]{26}$")
        }

        static let timestamp = OpenAPISchema.string(format: "date-time", "RFC 3339, UTC, with milliseconds.")
        static let version = OpenAPISchema.integer(
            minimum: 1, format: "int64", "Goes up by one with every change; the `ETag` is this number in quotes.")
        /// An id a request refers to; one that names nothing is a 422 (a 404 only in the path).
        static func reference(_ summary: String) -> OpenAPISchema {
            .text(limit: 64, summary)
        }
        static let tag = OpenAPISchema.string(
            minLength: 1, maxLength: CRMRoutes.tagLimit, pattern: "^[A-Za-z0-9_:.-]+$",
            "Letters, digits and `- _ : .`; stored lower-case.")

        static var components: [(name: String, schema: OpenAPISchema)] {
            [
                ("Ticket", ticket), ("Message", message), ("Customer", customer), ("Agent", agent),
                ("Session", session), ("NewSession", newSession), ("Call", call),
                ("AuditEntry", auditEntry), ("AuditChange", auditChange),
                ("TicketPage", page(of: "Ticket")), ("MessagePage", page(of: "Message")),
                ("CustomerPage", page(of: "Customer")), ("AgentPage", page(of: "Agent")),
                ("SessionPage", page(of: "Session")), ("CallPage", page(of: "Call")),
                ("AuditPage", page(of: "AuditEntry")),
                ("SupportRequest", supportRequest), ("TicketCreate", ticketCreate), ("TicketUpdate", ticketUpdate),
                ("MessageCreate", messageCreate), ("CustomerCreate", customerCreate),
                ("CustomerUpdate", customerUpdate), ("AgentCreate", agentCreate), ("AgentUpdate", agentUpdate),
                ("SessionCreate", sessionCreate), ("SessionUpdate", sessionUpdate),
                ("Problem", problem), ("FieldError", fieldError), ("Health", health), ("Readiness", readiness),
                ("ReadinessCheck", readinessCheck),
            ]
        }

        static func page(of item: String) -> OpenAPISchema {
            .resource(
                [
                    "data": .array(of: .ref(item)),
                    "next": OpenAPISchema.string(
                        "The path and query of the next page; `null` on the last page."
                    ).nullable(),
                ], "One page of a list, in the order asked for.")
        }

        static let ticket = OpenAPISchema.resource(
            [
                "id": id("tkt"),
                "subject": .string(maxLength: CRMRoutes.subjectLimit),
                "status": .choice(TicketStatus.self),
                "priority": .choice(TicketPriority.self),
                "channel": .choice(Channel.self, "Where the conversation happens."),
                "customer_id": id("cus"),
                "assignee_id": id("agt").nullable(),
                "tags": .array(
                    of: .string(maxLength: CRMRoutes.tagLimit, pattern: "^[a-z0-9_:.-]+$"),
                    maxItems: CRMRoutes.tagsPerTicket, "Lower-case, unique and sorted."),
                "version": version,
                "created_at": timestamp,
                "updated_at": timestamp,
                "archived_at": timestamp.nullable(),
            ], "A support ticket. `DELETE` archives it: it stays readable, with `archived_at` set, and stops changing.")

        static let message = OpenAPISchema.resource(
            [
                "id": id("msg"),
                "ticket_id": id("tkt"),
                "author_type": .choice(AuthorType.self),
                "author_id": OpenAPISchema.string(
                    pattern: "^(agt|cus)_[0-9A-HJKMNP-TV-Z]{26}$", "The agent's or the customer's id."),
                "body": .string(maxLength: CRMRoutes.messageBodyLimit),
                "direction": .choice(MessageDirection.self, "`inbound` from the customer, `outbound` to them."),
                "channel": .choice(Channel.self),
                "created_at": timestamp,
            ], "One message of a ticket's conversation.")

        static let customer = OpenAPISchema.resource(
            [
                "id": id("cus"),
                "name": .string(maxLength: CRMRoutes.nameLimit),
                "email": OpenAPISchema.string(maxLength: CRMRoutes.emailLimit, format: "email", "Lower-case.")
                    .nullable(),
                "phone": OpenAPISchema.string(maxLength: CRMRoutes.phoneLimit).nullable(),
                "version": version,
                "created_at": timestamp,
                "updated_at": timestamp,
            ], "A customer; has an email, a phone number or both, each unique among customers.")

        static let agent = OpenAPISchema.resource(
            [
                "id": id("agt"),
                "name": .string(maxLength: CRMRoutes.nameLimit),
                "email": .string(maxLength: CRMRoutes.emailLimit, format: "email", "Lower-case, unique among agents."),
                "active": .boolean("Only active agents can be assigned tickets."),
                "presence": OpenAPISchema.choice(
                    Presence.self,
                    "Live, from the agent's sessions: the presence most recently set on an active one; for"
                        + " `PRESENCE_GRACE` after the last one was ended, the presence it had; else `offline`."
                        + " `null` when the session store cannot be reached. Not part of the `version` or `ETag`."
                ).nullable(),
                "version": version,
                "created_at": timestamp,
                "updated_at": timestamp,
            ], "An agent who works tickets.")

        static let count = OpenAPISchema.integer(minimum: 0, format: "int64").nullable()

        static let call = OpenAPISchema.resource(
            [
                "id": id("cal"),
                "call_sid": .string("The provider's call id (`CA...`); two streams of one call share it."),
                "stream_sid": .string("The provider's stream id (`MZ...`), one per media WebSocket."),
                "account_sid": OpenAPISchema.string().nullable(),
                "app": .string("The call app that served the stream: `echo`, `monitor` or `playback`."),
                "status": .choice(CallRecord.Status.self),
                "ticket_id": OpenAPISchema.string(
                    "The ticket the stream named in its `ticket_id` parameter; `null` when it names none."
                ).nullable(),
                "started_at": timestamp,
                "ended_at": timestamp.nullable(),
                "duration_ms": count,
                "end_reason": OpenAPISchema.string("`stop` (the provider's stop event), `closed`, ...").nullable(),
                "media_received": count,
                "media_sent": count,
                "messages_lost": OpenAPISchema.integer(
                    minimum: 0, format: "int64", "Messages the provider numbered but never delivered."
                ).nullable(),
                "receive_dropped": count,
                "send_dropped": count,
                "dtmf": OpenAPISchema.string("The DTMF digits pressed, in order.").nullable(),
                "recording_url": OpenAPISchema.string("Where to download the WAV, when the call was recorded.")
                    .nullable(),
            ], "A media stream's call row, written from the media path's `call.started` and `call.ended` events.")

        static let auditChange = OpenAPISchema.resource(
            [
                "field": .string(),
                "from": OpenAPISchema.string().nullable(),
                "to": OpenAPISchema.string().nullable(),
            ], "One field's value before and after.")

        static let auditEntry = OpenAPISchema.resource(
            [
                "id": id("aud"),
                "at": timestamp,
                "actor": .string("The API key's id (`key_` and 12 hex digits), never the key; `system` for call rows."),
                "actor_role": .choice(["admin", "agent", "system"]),
                "action": .string("`ticket.created`, `ticket.updated`, `ticket.assigned`, `ticket.archived`, ..."),
                "entity_type": .string("`ticket`, `message`, `customer` or `agent`."),
                "entity_id": .string(),
                "changes": .array(of: .ref("AuditChange")),
            ], "Who changed what; written in the same transaction as the change.")

        // Request bodies: closed objects (an unknown field is a 400 naming it); strings are trimmed of
        // surrounding white space, must not be empty and must not contain control characters but
        // tab, CR and LF.

        static let tags = OpenAPISchema.array(of: tag, maxItems: CRMRoutes.tagsPerTicket)

        static let ticketCreate = OpenAPISchema.object(
            [
                "subject": .text(limit: CRMRoutes.subjectLimit),
                "channel": .choice(Channel.self),
                "customer_id": reference("An existing customer's id; another is a 422."),
                "status": OpenAPISchema.choice(TicketStatus.self).withDefault("open"),
                "priority": OpenAPISchema.choice(TicketPriority.self).withDefault("normal"),
                "assignee_id": reference("An active agent's id; another is a 422.").nullable(),
                "tags": tags,
            ], required: ["subject", "channel", "customer_id"], closed: true, "A new ticket.")

        static let ticketUpdate = OpenAPISchema.object(
            [
                "subject": .text(limit: CRMRoutes.subjectLimit),
                "status": .choice(TicketStatus.self),
                "priority": .choice(TicketPriority.self),
                "assignee_id": reference("An active agent's id, or `null` to unassign.").nullable(),
                "tags": OpenAPISchema.array(of: tag, maxItems: CRMRoutes.tagsPerTicket, "Replaces every tag."),
            ], required: [], closed: true, "The fields to change; those left out stay as they are.")

        static let messageCreate: OpenAPISchema = {
            var schema = OpenAPISchema.object(
                [
                    "author_type": .choice(AuthorType.self),
                    "author_id": reference(
                        "The agent's id (required for `agent`); for `customer`, the ticket's customer (the default)."
                    ).nullable(),
                    "body": .text(limit: CRMRoutes.messageBodyLimit),
                    "direction": .choice(
                        MessageDirection.self, "Defaults to `inbound` for a customer, `outbound` for an agent."),
                    "channel": .choice(Channel.self, "Defaults to the ticket's channel."),
                ], required: ["author_type", "body"], closed: true, "A new message on the ticket; its version goes up.")
            // An agent's message names the agent.
            schema.rules = [
                (
                    "if",
                    ["properties": ["author_type": ["const": "agent"]], "required": ["author_type"]]
                ),
                ("then", ["required": ["author_id"], "properties": ["author_id": ["type": "string"]]]),
            ]
            return schema
        }()

        static let email: OpenAPISchema = {
            // Spaces and control characters, which no part of an address may hold.
            let other = #"\x00-\x20\x7F-\x9F"#
            var schema = OpenAPISchema.string(
                minLength: 1, maxLength: CRMRoutes.emailLimit, format: "email",
                pattern: "^[^@\(other)]+@[^@.\(other)][^@\(other)]*\\.[^@\(other)]*[^@.\(other)]$",
                "Stored lower-case.")
            schema.patternSummary = "one `@`, a dot inside the domain, no spaces"
            return schema
        }()
        static let phone: OpenAPISchema = {
            var schema = OpenAPISchema.string(
                maxLength: CRMRoutes.phoneLimit, pattern: #"^\+?[ ().-]*(?:[0-9][ ().-]*){3,}$"#)
            schema.patternSummary = "at least 3 digits, an optional leading `+`, and spaces, `-`, `(`, `)` or `.`"
            return schema
        }()

        /// An email, a phone number or both, not `null`.
        static let contactRule: OpenAPIJSON = [
            ["required": ["email"], "properties": ["email": ["type": "string"]]],
            ["required": ["phone"], "properties": ["phone": ["type": "string"]]],
        ]

        /// `channel: email` needs `email`, `phone` needs `phone`, `chat` either.
        static let channelRules: OpenAPIJSON = [
            [
                "if": ["properties": ["channel": ["const": "email"]], "required": ["channel"]],
                "then": ["required": ["email"], "properties": ["email": ["type": "string"]]],
            ],
            [
                "if": ["properties": ["channel": ["const": "phone"]], "required": ["channel"]],
                "then": ["required": ["phone"], "properties": ["phone": ["type": "string"]]],
            ],
            [
                "if": ["properties": ["channel": ["const": "chat"]], "required": ["channel"]],
                "then": ["anyOf": contactRule],
            ],
        ]

        static let customerCreate: OpenAPISchema = {
            var schema = OpenAPISchema.object(
                [
                    "name": .text(limit: CRMRoutes.nameLimit),
                    "email": email.nullable(),
                    "phone": phone.nullable(),
                ], required: ["name"], closed: true, "A new customer; needs an email, a phone number or both.")
            schema.rules = [("anyOf", contactRule)]
            return schema
        }()

        static let customerUpdate = OpenAPISchema.object(
            [
                "name": .text(limit: CRMRoutes.nameLimit),
                "email": email.nullable(),
                "phone": phone.nullable(),
            ], required: [], closed: true,
            "The fields to change; `null` removes an email or phone, but not both (422).")

        static let agentCreate = OpenAPISchema.object(
            ["name": .text(limit: CRMRoutes.nameLimit), "email": email],
            required: ["name", "email"], closed: true, "A new agent (active).")

        static let agentUpdate = OpenAPISchema.object(
            [
                "name": .text(limit: CRMRoutes.nameLimit),
                "email": email,
                "active": .boolean("`false` keeps the agent from new assignments."),
            ], required: [], closed: true, "The fields to change.")

        static let supportRequest: OpenAPISchema = {
            var schema = OpenAPISchema.object(
                [
                    "channel": .choice(Channel.self),
                    "name": .text(limit: CRMRoutes.nameLimit),
                    "email": email.nullable(),
                    "phone": phone.nullable(),
                    "subject": .text(limit: CRMRoutes.subjectLimit),
                    "message": .text(limit: CRMRoutes.messageBodyLimit, "The first message of the ticket."),
                ], required: ["channel", "name", "subject", "message"], closed: true,
                "A contact from email, chat or phone: `email` needs `email`, `phone` needs `phone`, `chat` either.")
            schema.rules = [("allOf", channelRules)]
            return schema
        }()

        static let fieldError = OpenAPISchema.resource(
            [
                "field": .string("As the client sent it: `tags[2]` for an array item, the name of a query parameter."),
                "detail": .string(),
            ], "One rejected field and why.")

        static let problem = OpenAPISchema.object(
            [
                "type": OpenAPISchema.string("`about:blank`.").withDefault("about:blank"),
                "title": .string("The status's reason phrase."),
                "status": .integer(minimum: 400, maximum: 599),
                "detail": .string("What went wrong with this request, in words a developer can act on."),
                "instance": .string(),
                "errors": .array(of: .ref("FieldError"), "Validation problems: each bad field."),
            ], required: ["type", "title", "status"], "An RFC 9457 problem: the body of every error answer.")

        static let health = OpenAPISchema.resource(
            [
                "status": .choice(["ok"]),
                "version": .string(),
                "uptime_seconds": OpenAPISchema(types: ["number"]),
            ], "Liveness.")

        static let readinessCheck = OpenAPISchema.resource(
            ["ready": .boolean(), "detail": .string()], "One component's readiness.")

        static let readiness = OpenAPISchema.object(
            [
                "status": .choice(["ready", "not_ready"]),
                "checks": {
                    var checks = OpenAPISchema(types: ["object"])
                    checks.summary = "By component: `data_dir`, `database`, `websocket`, `event_loops`."
                    checks.additionalPropertiesSchema = .ref("ReadinessCheck")
                    return checks
                }(),
                "type": .string(),
                "title": .string(),
                "detail": .string("`not ready: ` and the failing components."),
            ], required: ["status", "checks"],
            "Readiness of each component; when not ready, also the members of a problem (`type`, `title`, `detail`).")
    }
}
