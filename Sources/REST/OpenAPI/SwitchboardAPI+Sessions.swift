import Core
import HTTPTypes

extension SwitchboardAPI {
    static var sessionOperations: [OpenAPIOperation] {
        let id = Parameter.id("ses", "session")
        let notFound = Answer.problem(
            404, "No session has this id (an ended or expired one is kept for `SESSION_TTL`).")
        let gone = Answer.problem(
            410, "The session has expired or ended, for good; the client opens a new one with `POST /v1/sessions`.")
        let agent = OpenAPISchema.string(maxLength: 64, "An agent id.")
        return [
            sessionKeyed(
                OpenAPIOperation(
                    method: .post, path: "/v1/sessions", id: "createSession", tag: "Sessions",
                    summary: "Open a session",
                    details: "Opens an active session of a client (a console, a softphone, ...) for an active agent,"
                        + " with the presence given (publishes `agent.presence` when the agent's presence changes)."
                        + " The client then heartbeats it every `heartbeat_interval` seconds; after"
                        + " `heartbeat_timeout` seconds of silence it expires. The answer is the only one that"
                        + " carries the session's `token`.",
                    requestBody: .ref("SessionCreate"),
                    responses: [
                        Answer.json(
                            201, "NewSession", "The new session, active, with its token.", headers: [Header.location]
                        ),
                        Answer.problem(
                            400,
                            "The body is not a JSON object, or a field is unknown, of the wrong type, empty, too long,"
                                + " malformed or not one of its values; `errors` names each field and why."),
                        Answer.problem(409, Answer.idempotencyInProgress),
                        Answer.tooLarge, Answer.unsupported,
                        Answer.problem(
                            422, "`agent_id` names no agent, or an inactive one; or " + Answer.idempotencyMismatch),
                    ])),
            sessionKeyed(
                OpenAPIOperation(
                    method: .get, path: "/v1/sessions", id: "listSessions", tag: "Sessions",
                    summary: "List sessions",
                    details: "Newest first by `started_at`; active ones, and those over for less than `SESSION_TTL`."
                        + " One page only: at most `limit` sessions, and `next` is always `null`.",
                    parameters: [
                        Parameter.query("agent", agent, "The sessions of this agent."),
                        Parameter.alias("agent_id", of: "agent", agent),
                        Parameter.query("state", .choice(Session.State.self), "Only sessions in this state."),
                        Parameter.query(
                            "limit",
                            OpenAPISchema.integer(minimum: 1, maximum: SessionRoutes.listLimit).withDefault(50),
                            "The most sessions to answer."),
                    ],
                    responses: [Answer.json(200, "SessionPage", "The sessions."), Answer.badQuery])),
            sessionKeyed(
                OpenAPIOperation(
                    method: .get, path: "/v1/sessions/{id}", id: "getSession", tag: "Sessions",
                    summary: "Get a session", details: "Active or over; never with its token.",
                    parameters: [id],
                    responses: [Answer.json(200, "Session", "The session."), notFound])),
            sessionKeyed(
                OpenAPIOperation(
                    method: .post, path: "/v1/sessions/{id}/heartbeat", id: "heartbeatSession", tag: "Sessions",
                    summary: "Heartbeat a session",
                    details: "Keeps an active session alive: it now expires `heartbeat_timeout` seconds from this"
                        + " heartbeat. No body is read. Heartbeats need no `Idempotency-Key`: a retry with the same"
                        + " key gets the stored answer and does not count as a heartbeat.",
                    parameters: [id],
                    responses: [
                        OpenAPIResponse(status: 204, summary: "Heard; no body."),
                        Answer.problem(400, "The `Idempotency-Key` is malformed."),
                        notFound,
                        Answer.problem(409, Answer.idempotencyInProgress),
                        gone,
                        Answer.problem(422, Answer.idempotencyMismatch),
                    ])),
            sessionKeyed(
                OpenAPIOperation(
                    method: .patch, path: "/v1/sessions/{id}", id: "updateSession", tag: "Sessions",
                    summary: "Set a session's presence",
                    details: "Sets the presence of an active session; the agent's `presence` becomes it (the presence"
                        + " most recently set on any of their active sessions wins). Publishes `agent.presence` when"
                        + " the agent's presence changes. Not a heartbeat.",
                    parameters: [id],
                    requestBody: .ref("SessionUpdate"),
                    responses: [
                        Answer.json(200, "Session", "The session as it is now."),
                        Answer.badBody,
                        notFound,
                        gone,
                        Answer.tooLarge, Answer.unsupported,
                    ])),
            sessionKeyed(
                OpenAPIOperation(
                    method: .delete, path: "/v1/sessions/{id}", id: "endSession", tag: "Sessions",
                    summary: "End a session",
                    details: "Ends an active session (`state` and `end_reason` `ended`). When it was the agent's last"
                        + " one, the agent keeps its presence for `PRESENCE_GRACE`, then goes `offline`, so a console"
                        + " that reloads does not flap. Ending a session that is already over changes nothing and"
                        + " answers it as it is.",
                    parameters: [id],
                    responses: [Answer.json(200, "Session", "The session, over."), notFound])),
        ]
    }

    /// ``keyed(_:unavailable:)`` with the 503 of the session routes: the session store (in this
    /// process, or Redis at `REDIS_URL`) did not answer; or the database, which every `/v1` route waits
    /// for and which holds the agents and the `Idempotency-Key` answers.
    private static func sessionKeyed(_ operation: OpenAPIOperation) -> OpenAPIOperation {
        keyed(
            operation,
            unavailable: "The session store is unavailable, or the database is unavailable, overloaded or not"
                + " migrated yet; retry shortly.")
    }
}

extension SwitchboardAPI.Schema {
    /// What kind of client holds a session, as `SessionRoutes` accepts it.
    static let client: OpenAPISchema = {
        var schema = OpenAPISchema.string(
            minLength: 1, maxLength: SessionRoutes.clientLimit, pattern: "^[a-z0-9._-]+$",
            "What kind of client holds the session: `console`, `softphone`, ...")
        schema.patternSummary = "lower-case letters, digits, `.`, `_` or `-`"
        return schema
    }()

    static let session = OpenAPISchema.resource(
        [
            "id": id("ses"),
            "agent_id": id("agt"),
            "client": client,
            "state": .choice(
                Session.State.self,
                "`active` until the client ends it (`ended`) or stops heartbeating for `heartbeat_timeout` seconds"
                    + " (`expired`); never back."),
            "presence": .choice(Presence.self, "The presence the client last set on this session."),
            "started_at": timestamp,
            "last_heartbeat_at": timestamp,
            "expires_at": OpenAPISchema.string(
                format: "date-time",
                "While active: when the session expires unless it heartbeats again (`last_heartbeat_at` plus"
                    + " `heartbeat_timeout`); once over: when it ended."),
            "ended_at": OpenAPISchema.string(
                format: "date-time", "When it was ended or found expired; `null` while active."
            ).nullable(),
            "end_reason": OpenAPISchema.choice(
                Session.State.allCases.filter { $0 != .active }.map(\.rawValue),
                "How it ended: the client ended it, or it went silent; `null` while active."
            ).nullable(),
            "active_seconds": .number(
                minimum: 0,
                "Seconds the client was there, to the millisecond: from `started_at` to the last heartbeat (while"
                    + " active, and for an expired session: the silence is not counted), or to the end."),
            "heartbeat_interval": .number(
                minimum: 0, "How often the client is to heartbeat, in seconds (`HEARTBEAT_INTERVAL`)."),
            "heartbeat_timeout": .number(
                minimum: 0, "Seconds of silence after which the session expires (`HEARTBEAT_TIMEOUT`)."),
        ],
        "A client session of an agent: opened by `POST /v1/sessions`, kept alive by heartbeats, over once it is"
            + " ended or goes silent. The agent's `presence` comes from their sessions.")

    /// The creation answer: the session and, this once, its token.
    static let newSession: OpenAPISchema = {
        var schema = session
        var token = OpenAPISchema.string(
            pattern: "^[A-Za-z0-9_-]{43}$",
            "The session's secret (32 random bytes, base64url), for the client to prove the session with. Only"
                + " this answer has it (and its replays under the same `Idempotency-Key`); the server keeps its hash.")
        token.patternSummary = "43 base64url characters"
        schema.properties.append((name: "token", schema: token))
        schema.required.append("token")
        schema.summary = "A session just opened, with its token."
        return schema
    }()

    static let sessionCreate = OpenAPISchema.object(
        [
            "agent_id": OpenAPISchema.string(
                pattern: "^agt_[0-9A-HJKMNP-TV-Z]{26}$",
                "The agent the session is for: an active agent's id. One that names no agent, or an inactive one,"
                    + " is a 422."),
            "client": client,
            "presence": OpenAPISchema.choice(Presence.self, "The agent's presence on this session.").withDefault(
                .string(Presence.available.rawValue)),
        ], required: ["agent_id", "client"], closed: true, "A new session.")

    static let sessionUpdate = OpenAPISchema.object(
        ["presence": .choice(Presence.self, "The agent's presence on this session from now on.")],
        required: ["presence"], closed: true, "The presence to set.")
}
