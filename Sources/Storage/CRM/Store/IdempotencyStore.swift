import Core

/// `Idempotency-Key` records: a claim while the first request runs, then its response, kept for
/// ``retention``. Keys are scoped per API key so two clients never collide.
public struct IdempotencyStore: Sendable {
    /// A finished request's answer, replayed to retries.
    public struct StoredResponse: Sendable, Hashable {
        public var status: Int
        public var headers: [[String]]
        public var body: String

        public init(status: Int, headers: [(String, String)], body: String) {
            self.status = status
            self.headers = headers.map { [$0.0, $0.1] }
            self.body = body
        }
    }

    public enum Claim: Sendable, Hashable {
        /// This request is the first with the key: run it, then ``complete`` or ``release``.
        case claimed
        /// The key has finished: send this again.
        case replay(StoredResponse)
        /// The key was used with a different request.
        case mismatch
        /// The first request with the key is still running.
        case inProgress
    }

    public let database: SQLDatabase
    /// How long a finished key is kept.
    public var retention: Duration = .seconds(24 * 3600)
    /// A claim older than this belongs to a request that died (a crash between claim and
    /// completion), so the key may be claimed again.
    public var abandonedAfter: Duration = .seconds(60)

    public init(database: SQLDatabase) {
        self.database = database
    }

    public func claim(scope: String, key: String, requestHash: String) async throws -> Claim {
        let retention = self.retention.components.seconds
        let abandoned = self.abandonedAfter.components.seconds
        return try await self.database.transaction { connection in
            let now = Timestamp.now()
            try connection.execute(
                "DELETE FROM idempotency_keys WHERE created_at < $1",
                .integer(now.adding(seconds: -retention).microseconds))
            let inserted = try connection.execute(
                """
                INSERT INTO idempotency_keys (scope, key, request_hash, state, created_at)
                VALUES ($1, $2, $3, 'pending', $4) ON CONFLICT (scope, key) DO NOTHING
                """,
                .text(scope), .text(key), .text(requestHash), .integer(now.microseconds))
            if inserted == 1 { return .claimed }
            guard
                let row = try connection.query(
                    "SELECT request_hash, state, status, headers, body, created_at FROM idempotency_keys WHERE scope = $1 AND key = $2",
                    .text(scope), .text(key)
                ).first
            else { return .inProgress }
            guard try row.text("request_hash") == requestHash else { return .mismatch }
            if try row.text("state") == "done" {
                let headers = try row.optionalText("headers") ?? "[]"
                return .replay(
                    StoredResponse(
                        status: Int(try row.integer("status")),
                        headers: IdempotencyStore.decodeHeaders(headers),
                        body: try row.optionalText("body") ?? ""))
            }
            let claimedAt = Timestamp(microseconds: try row.integer("created_at"))
            guard claimedAt < now.adding(seconds: -abandoned) else { return .inProgress }
            try connection.execute(
                "UPDATE idempotency_keys SET created_at = $1 WHERE scope = $2 AND key = $3",
                .integer(now.microseconds), .text(scope), .text(key))
            return .claimed
        }
    }

    public func complete(scope: String, key: String, response: StoredResponse) async throws {
        let headers = IdempotencyStore.encodeHeaders(response.headers)
        try await self.database.transaction { connection in
            try connection.execute(
                """
                UPDATE idempotency_keys SET state = 'done', status = $1, headers = $2, body = $3
                WHERE scope = $4 AND key = $5
                """,
                .integer(Int64(response.status)), .text(headers), .text(response.body), .text(scope), .text(key))
        }
    }

    /// Forgets a claim whose request failed in a way a retry may fix (a 5xx).
    public func release(scope: String, key: String) async throws {
        try await self.database.transaction { connection in
            try connection.execute(
                "DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND state = 'pending'", .text(scope),
                .text(key))
        }
    }

    private static func encodeHeaders(_ headers: [[String]]) -> String {
        headers.map { pair in pair.map(Self.escape).joined(separator: "\t") }.joined(separator: "\n")
    }

    private static func decodeHeaders(_ text: String) -> [(String, String)] {
        text.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: "\t", omittingEmptySubsequences: false)
            return parts.count == 2 ? (Self.unescape(String(parts[0])), Self.unescape(String(parts[1]))) : nil
        }
    }

    // Header values cannot hold CR/LF, but escape tabs and newlines anyway so a stored row can
    // never be misread.
    private static func escape(_ text: String) -> String {
        text.replacing("\\", with: "\\\\").replacing("\t", with: "\\t").replacing("\n", with: "\\n")
    }

    private static func unescape(_ text: String) -> String {
        var output = ""
        var escaping = false
        for character in text {
            if escaping {
                output.append(character == "t" ? "\t" : character == "n" ? "\n" : character)
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                output.append(character)
            }
        }
        return output
    }
}
