/// The CRM schema, version by version. Never edit an applied migration: add the next one.
///
/// Conventions: ids are prefixed text (`tkt_...`), times are microseconds since the epoch in
/// BIGINT, enums are lower-case text, booleans are 0/1. Every list filter has an index that ends in
/// the sort column and `id`, which keyset pagination needs.
public enum Schema {
    public static let migrations: [Migration] = [
        Migration(
            version: 1, name: "crm",
            sql: """
                CREATE TABLE customers (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    email TEXT,
                    phone TEXT,
                    version BIGINT NOT NULL,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL);
                CREATE UNIQUE INDEX customers_email ON customers (email);
                CREATE UNIQUE INDEX customers_phone ON customers (phone);
                CREATE INDEX customers_created ON customers (created_at, id);

                CREATE TABLE agents (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    email TEXT NOT NULL,
                    active BIGINT NOT NULL,
                    version BIGINT NOT NULL,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL);
                CREATE UNIQUE INDEX agents_email ON agents (email);
                CREATE INDEX agents_created ON agents (created_at, id);

                CREATE TABLE tickets (
                    id TEXT PRIMARY KEY,
                    subject TEXT NOT NULL,
                    status TEXT NOT NULL,
                    priority TEXT NOT NULL,
                    priority_rank BIGINT NOT NULL,
                    channel TEXT NOT NULL,
                    customer_id TEXT NOT NULL REFERENCES customers (id),
                    assignee_id TEXT REFERENCES agents (id),
                    tags TEXT NOT NULL,
                    version BIGINT NOT NULL,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL,
                    archived_at BIGINT);
                CREATE INDEX tickets_created ON tickets (created_at, id);
                CREATE INDEX tickets_updated ON tickets (updated_at, id);
                CREATE INDEX tickets_status ON tickets (status, created_at, id);
                CREATE INDEX tickets_priority ON tickets (priority_rank, created_at, id);
                CREATE INDEX tickets_channel ON tickets (channel, created_at, id);
                CREATE INDEX tickets_assignee ON tickets (assignee_id, created_at, id);
                CREATE INDEX tickets_customer ON tickets (customer_id, created_at, id);

                CREATE TABLE ticket_tags (
                    ticket_id TEXT NOT NULL REFERENCES tickets (id),
                    tag TEXT NOT NULL,
                    PRIMARY KEY (ticket_id, tag));
                CREATE INDEX ticket_tags_tag ON ticket_tags (tag, ticket_id);

                CREATE TABLE messages (
                    id TEXT PRIMARY KEY,
                    ticket_id TEXT NOT NULL REFERENCES tickets (id),
                    author_type TEXT NOT NULL,
                    author_id TEXT NOT NULL,
                    body TEXT NOT NULL,
                    direction TEXT NOT NULL,
                    channel TEXT NOT NULL,
                    created_at BIGINT NOT NULL);
                CREATE INDEX messages_ticket ON messages (ticket_id, created_at, id);

                CREATE TABLE calls (
                    id TEXT PRIMARY KEY,
                    call_sid TEXT NOT NULL,
                    stream_sid TEXT NOT NULL,
                    account_sid TEXT,
                    app TEXT NOT NULL,
                    status TEXT NOT NULL,
                    ticket_id TEXT,
                    started_at BIGINT NOT NULL,
                    ended_at BIGINT,
                    duration_ms BIGINT,
                    end_reason TEXT,
                    media_received BIGINT,
                    media_sent BIGINT,
                    messages_lost BIGINT,
                    receive_dropped BIGINT,
                    send_dropped BIGINT,
                    dtmf TEXT,
                    recording_path TEXT);
                CREATE UNIQUE INDEX calls_stream ON calls (stream_sid);
                CREATE INDEX calls_started ON calls (started_at, id);
                CREATE INDEX calls_call_sid ON calls (call_sid, started_at, id);
                CREATE INDEX calls_ticket ON calls (ticket_id, started_at, id);

                CREATE TABLE audit_log (
                    id TEXT PRIMARY KEY,
                    at BIGINT NOT NULL,
                    actor TEXT NOT NULL,
                    actor_role TEXT NOT NULL,
                    action TEXT NOT NULL,
                    entity_type TEXT NOT NULL,
                    entity_id TEXT NOT NULL,
                    changes TEXT NOT NULL);
                CREATE INDEX audit_at ON audit_log (at, id);
                CREATE INDEX audit_entity ON audit_log (entity_type, entity_id, at, id);
                CREATE INDEX audit_actor ON audit_log (actor, at, id);

                CREATE TABLE idempotency_keys (
                    scope TEXT NOT NULL,
                    key TEXT NOT NULL,
                    request_hash TEXT NOT NULL,
                    state TEXT NOT NULL,
                    status BIGINT,
                    headers TEXT,
                    body TEXT,
                    created_at BIGINT NOT NULL,
                    PRIMARY KEY (scope, key));
                CREATE INDEX idempotency_created ON idempotency_keys (created_at);
                """
        ),
        Migration(
            version: 2, name: "sessions",
            sql: """
                CREATE TABLE sessions (
                    id TEXT PRIMARY KEY,
                    agent_id TEXT NOT NULL,
                    client TEXT NOT NULL,
                    started_at BIGINT NOT NULL,
                    last_heartbeat_at BIGINT NOT NULL,
                    ended_at BIGINT NOT NULL,
                    active_seconds DOUBLE PRECISION NOT NULL,
                    end_reason TEXT NOT NULL,
                    presence TEXT NOT NULL);
                CREATE INDEX sessions_agent ON sessions (agent_id, started_at, id);
                CREATE INDEX sessions_started ON sessions (started_at, id);
                """
        ),
    ]
}
