import Core

/// The OpenAPI description of Switchboard's HTTP API, written against the routes: limits and
/// choices come from the same constants and enumerations the routes validate with, so the two
/// cannot drift apart on them. The coverage test holds the document to the route catalog.
enum SwitchboardAPI {
    static func document() -> OpenAPIDocument {
        OpenAPIDocument(
            title: "Switchboard",
            apiVersion: SwitchboardVersion.current,
            details: Self.details,
            tags: Self.tags,
            operations: Self.systemOperations + Self.ticketOperations + Self.messageOperations
                + Self.customerOperations + Self.agentOperations + Self.sessionOperations + Self.supportOperations
                + Self.callOperations + Self.auditOperations,
            schemas: Schema.components,
            headers: Header.all,
            apiKeyHeader: "X-API-Key",
            apiKeyDescription: "An API key from `API_KEYS` (`key:role`, role `admin` or `agent`), or the admin key"
                + " generated at first start when `API_KEYS` is unset. Admin keys may do everything agent keys may."
        )
    }

    static let tags: [OpenAPIDocument.Tag] = [
        .init(name: "Tickets", summary: "Support tickets: filters, cursor pages, optimistic concurrency, archiving."),
        .init(name: "Messages", summary: "The conversation of a ticket."),
        .init(name: "Customers", summary: "The people who ask for help."),
        .init(name: "Agents", summary: "The people who help; created and changed with admin keys."),
        .init(
            name: "Sessions",
            summary: "Client sessions of agents (consoles, softphones): opened, kept alive by heartbeats, and the"
                + " source of each agent's `presence`. Any key may."),
        .init(name: "Support", summary: "The intake: one request makes the customer, the ticket and its message."),
        .init(name: "Calls", summary: "Call rows from the media path, and their recordings."),
        .init(name: "Audit", summary: "Who changed what (admin keys only)."),
        .init(name: "System", summary: "Liveness, readiness, metrics and this documentation; no key needed."),
    ]

    static let details = """
        The CRM that support agents work in, and the server of the telephony media streams.

        **Keys.** Every route but `/health`, `/ready`, `/metrics`, `/openapi.json` and `/docs` needs an \
        `X-API-Key` header (401 without a valid one). Keys are `agent` or `admin`; `POST` and `PATCH` \
        `/v1/agents` and `GET /v1/audit` need an admin key (403 for an agent key), as each operation's \
        `x-required-role` says.

        **Limits.** Each key has a token bucket of `RATE_LIMIT` requests a minute; answers carry \
        `RateLimit-Policy` and `RateLimit`, and a request over the limit gets 429 with `Retry-After`.

        **Errors.** Every error is an RFC 9457 `application/problem+json` body; validation errors name \
        each bad field or query parameter in `errors: [{field, detail}]`. Unknown fields and unknown query \
        parameters are refused, not ignored. A method a path does not serve gets 405 with `Allow`.

        **Concurrency.** Tickets, customers and agents carry a `version` and an `ETag`; a `PATCH` or \
        `DELETE` with a stale `If-Match` gets 412 (with the current `ETag`). `PATCH /v1/tickets/{id}` \
        without `If-Match` gets 428.

        **Retries.** Every `POST` takes an `Idempotency-Key`.

        **Sessions** live in this process, or in Redis at `REDIS_URL`, shared by every instance. A session \
        that has expired or ended answers 410 to a heartbeat or a change; while the session store does not \
        answer, the session routes get 503 with `Retry-After: 1` and agents show `presence: null`.

        **JSON.** Keys are snake_case; every documented key is always present, `null` when it has no value; \
        times are RFC 3339 UTC with milliseconds. Lists are `{"data": [...], "next": url|null}` pages.

        **CORS** is answered for `ALLOWED_ORIGINS`: preflights get 204 before authentication.

        **WebSockets** (not described as operations here, since they are not HTTP request/response routes): \
        `GET /v1/echo` upgrades to a WebSocket that echoes every message (up to 1 MiB), and `GET /v1/media` \
        to a Twilio Media Streams socket (the `app` stream parameter picks `echo`, `monitor` or \
        `playback`). A plain GET on either path gets 426; a refused upgrade gets a problem body.
        """
}
