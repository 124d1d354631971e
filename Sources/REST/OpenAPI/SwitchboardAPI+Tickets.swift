import HTTPTypes
import Storage

extension SwitchboardAPI {
    static var ticketOperations: [OpenAPIOperation] {
        let id = Parameter.id("tkt", "ticket")
        let notFound = Answer.problem(404, "No ticket has this id.")
        let badIfMatch = "`If-Match` is not an entity tag such as `\"3\"` (with the quotes) or `*`"
        return [
            keyed(
                OpenAPIOperation(
                    method: .get, path: "/v1/tickets", id: "listTickets", tag: "Tickets", summary: "List tickets",
                    details: "Live tickets (or archived ones with `archived=true`) matching every filter given,"
                        + " newest first by default, in cursor pages.",
                    parameters: Self.ticketFilters + Parameter.page,
                    responses: [Answer.page("TicketPage", "A page of tickets."), Answer.badQuery])),
            keyed(
                OpenAPIOperation(
                    method: .post, path: "/v1/tickets", id: "createTicket", tag: "Tickets", summary: "Create a ticket",
                    details: "Publishes `ticket.created` (and `ticket.assigned` when it has an assignee).",
                    requestBody: .ref("TicketCreate"),
                    responses: [
                        Answer.json(
                            201, "Ticket", "The new ticket, at version 1.", headers: [Header.eTag, Header.location]),
                        Answer.badBody,
                        Answer.problem(409, Answer.idempotencyInProgress),
                        Answer.tooLarge, Answer.unsupported,
                        Answer.problem(
                            422,
                            "`customer_id` names no customer, or `assignee_id` no active agent; or "
                                + Answer.idempotencyMismatch),
                    ])),
            keyed(
                OpenAPIOperation(
                    method: .get, path: "/v1/tickets/{id}", id: "getTicket", tag: "Tickets", summary: "Get a ticket",
                    details: "Archived tickets are found too.",
                    parameters: [id, Parameter.ifNoneMatch],
                    responses: [
                        Answer.json(200, "Ticket", "The ticket.", headers: [Header.eTag]),
                        OpenAPIResponse(
                            status: 304, summary: "`If-None-Match` names the current version; no body.",
                            headers: [Header.eTag]),
                        notFound,
                    ])),
            keyed(
                OpenAPIOperation(
                    method: .patch, path: "/v1/tickets/{id}", id: "updateTicket", tag: "Tickets",
                    summary: "Change a ticket",
                    details: "Changes the fields sent and bumps the version; publishes `ticket.updated` and, when"
                        + " the assignee changes, `ticket.assigned`. A body that changes nothing answers the ticket"
                        + " as it is.",
                    parameters: [
                        id,
                        Parameter.ifMatch(
                            required: true,
                            "The `ETag` of the version the change is based on (or `*`); without it, 428."),
                    ],
                    requestBody: .ref("TicketUpdate"),
                    responses: [
                        Answer.json(200, "Ticket", "The changed ticket.", headers: [Header.eTag]),
                        Answer.problem(400, "The body is invalid (`errors` names each field), or " + badIfMatch + "."),
                        notFound,
                        Answer.problem(409, "The ticket is archived and cannot change."),
                        Answer.problem(
                            412, "The ticket changed since that version; the `ETag` header has the current one."),
                        Answer.tooLarge, Answer.unsupported,
                        Answer.problem(422, "`assignee_id` names no agent, or an inactive one."),
                        Answer.problem(428, "`If-Match` is missing."),
                    ])),
            keyed(
                OpenAPIOperation(
                    method: .delete, path: "/v1/tickets/{id}", id: "archiveTicket", tag: "Tickets",
                    summary: "Archive a ticket",
                    details: "Sets `archived_at` and bumps the version (publishes `ticket.archived`); the ticket"
                        + " stays readable. Archiving an archived ticket changes nothing and answers it as it is.",
                    parameters: [
                        id, Parameter.ifMatch(required: false, "Archive only if the ticket is at this version."),
                    ],
                    responses: [
                        Answer.json(200, "Ticket", "The archived ticket.", headers: [Header.eTag]),
                        Answer.problem(400, badIfMatch + "."),
                        notFound,
                        Answer.problem(
                            412, "The ticket changed since that version; the `ETag` header has the current one."),
                    ])),
        ]
    }

    static var ticketFilters: [OpenAPIParameter] {
        let agent = OpenAPISchema.string(maxLength: 64, "An agent id, or `none` for unassigned tickets.")
        let customer = OpenAPISchema.string(maxLength: 64, "A customer id.")
        let date = OpenAPISchema.string(format: "date", pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "`YYYY-MM-DD`.")
        return [
            Parameter.anyOf("status", TicketStatus.self, "Tickets in this status."),
            Parameter.anyOf("priority", TicketPriority.self, "Tickets of this priority."),
            Parameter.anyOf("channel", Channel.self, "Tickets from this channel."),
            Parameter.query("assignee", agent, "Tickets assigned to this agent (`none`: unassigned)."),
            Parameter.alias("assignee_id", of: "assignee", agent),
            Parameter.query("customer", customer, "Tickets of this customer."),
            Parameter.alias("customer_id", of: "customer", customer),
            Parameter.query(
                "tag", .string(maxLength: CRMRoutes.tagLimit), "Tickets with this tag (compared lower-case)."),
            Parameter.query(
                "q", .string(maxLength: 200), "Case-insensitive text in the subject or in any message body."),
            Parameter.query(
                "from_date", date, "Tickets created on or after this day (UTC). A bad date is a 400 that names it."),
            Parameter.alias("fromDate", of: "from_date", date),
            Parameter.query(
                "to_date", date, "Tickets created on or before this day (UTC, inclusive); not before `from_date`."),
            Parameter.alias("toDate", of: "to_date", date),
            Parameter.query(
                "archived", OpenAPISchema.boolean().withDefault(false), "`true`: archived tickets instead of live ones."
            ),
            Parameter.query(
                "sort",
                OpenAPISchema.choice(TicketQuery.Sort.self).withDefault(
                    .string(TicketQuery.Sort.createdDescending.rawValue)),
                "The order; a leading `-` is descending."),
        ]
    }

    static var messageOperations: [OpenAPIOperation] {
        let ticketID = Parameter.id("tkt", "ticket")
        return [
            keyed(
                OpenAPIOperation(
                    method: .get, path: "/v1/tickets/{id}/messages", id: "listTicketMessages", tag: "Messages",
                    summary: "List a ticket's messages",
                    details: "Oldest first by default: a conversation reads forwards.",
                    parameters: [ticketID, Parameter.createdSort(ascendingByDefault: true)] + Parameter.page,
                    responses: [
                        Answer.page("MessagePage", "A page of messages."), Answer.badQuery,
                        Answer.problem(404, "No ticket has this id."),
                    ])),
            keyed(
                OpenAPIOperation(
                    method: .post, path: "/v1/tickets/{id}/messages", id: "createTicketMessage", tag: "Messages",
                    summary: "Add a message to a ticket",
                    details: "Bumps the ticket's version and publishes `message.created` with it.",
                    parameters: [ticketID],
                    requestBody: .ref("MessageCreate"),
                    responses: [
                        Answer.json(201, "Message", "The new message.", headers: [Header.location]),
                        Answer.badBody,
                        Answer.problem(404, "No ticket has this id."),
                        Answer.problem(409, "The ticket is archived; or " + Answer.idempotencyInProgress),
                        Answer.tooLarge, Answer.unsupported,
                        Answer.problem(
                            422,
                            "`author_id` is missing for an agent, names no agent, or is not the ticket's customer;"
                                + " or " + Answer.idempotencyMismatch),
                    ])),
            keyed(
                OpenAPIOperation(
                    method: .get, path: "/v1/messages/{id}", id: "getMessage", tag: "Messages",
                    summary: "Get a message", details: "Messages never change, so they carry no `ETag`.",
                    parameters: [Parameter.id("msg", "message")],
                    responses: [
                        Answer.json(200, "Message", "The message."), Answer.problem(404, "No message has this id."),
                    ])),
        ]
    }

    static var supportOperations: [OpenAPIOperation] {
        [
            keyed(
                OpenAPIOperation(
                    method: .post, path: "/v1/support/requests", id: "submitSupportRequest", tag: "Support",
                    summary: "Submit a support request",
                    details: "Finds the customer by email (else phone) or creates one, then creates the ticket"
                        + " (tagged with the channel) and its first message, in one transaction; publishes"
                        + " `ticket.created` and `message.created`.",
                    requestBody: .ref("SupportRequest"),
                    responses: [
                        Answer.json(201, "Ticket", "The new ticket.", headers: [Header.eTag, Header.location]),
                        Answer.badBody,
                        Answer.problem(409, Answer.idempotencyInProgress),
                        Answer.tooLarge, Answer.unsupported,
                        Answer.problem(422, Answer.idempotencyMismatch),
                    ]))
        ]
    }
}
