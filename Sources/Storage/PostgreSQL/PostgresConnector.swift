import CLibPQ

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Opens libpq connections to the database a `postgresql://` URL (or `key=value` string) names.
///
/// Both timeouts are enforced here with poll(2) rather than left to libpq, whose `connect_timeout`
/// counts whole seconds (at least 2) and whose blocking calls have no query timeout at all.
public struct PostgresConnector: SQLConnector {
    /// Bounds the whole connect, TCP and start-up handshake, whatever the URL's `connect_timeout` says;
    /// a frozen server fails it too.
    public let connectTimeout: Duration
    /// Bounds each statement, from sending it to its last result. A connection that runs out of time
    /// is closed, since its answer may still arrive.
    public let queryTimeout: Duration
    /// `postgresql://host:port/database`, never the user or password.
    public let description: String
    private let url: String

    public init(url: String, connectTimeout: Duration = .seconds(2), queryTimeout: Duration = .seconds(5)) {
        self.url = url
        self.connectTimeout = connectTimeout
        self.queryTimeout = queryTimeout
        self.description = Self.describe(url)
    }

    public var dialect: SQLDialect { .postgresql }

    public func connect() throws(SQLError) -> any SQLConnection {
        let deadline = ContinuousClock.now + self.connectTimeout
        let seconds = max(1, (Int(PostgresSocket.milliseconds(self.connectTimeout)) + 999) / 1000)
        let statementTimeout = min(Int(Int32.max), Int(PostgresSocket.milliseconds(self.queryTimeout)) + 1000)
        // libpq keeps the last value of a repeated keyword, and the URL's own settings take the place
        // of `dbname`: the entries before it are defaults the URL may override, the one after is not.
        let settings = [
            // Only libpq's blocking calls read it; `handshake` enforces connectTimeout itself.
            ("connect_timeout", String(seconds)),
            ("application_name", "switchboard"),
            // The server gives up a little after the client does, so a statement abandoned on timeout
            // does not run on (PQcancel could do that, but it blocks on a frozen server). A URL that
            // sets `options` goes without.
            ("options", "-c statement_timeout=\(statementTimeout)"),
            ("dbname", self.url),
            // Text is decoded as UTF-8.
            ("client_encoding", "UTF8"),
        ]
        let handle = Self.withCStrings(settings.map(\.0)) { keywords in
            Self.withCStrings(settings.map(\.1)) { values in PQconnectStartParams(keywords, values, 1) }
        }
        guard let handle else { throw SQLError(.unavailable, "libpq cannot allocate a connection") }
        do {
            try self.handshake(handle, until: deadline)
        } catch {
            PQfinish(handle)
            throw error
        }
        PQsetnonblocking(handle, 1)
        // libpq prints notices (`CREATE TABLE IF NOT EXISTS` on an existing table) to stderr by
        // default, outside the structured log.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        return PostgresConnection(handle: handle, queryTimeout: self.queryTimeout)
    }

    /// Drives `PQconnectPoll` as its documentation describes, waiting on the socket in between.
    private func handshake(_ handle: OpaquePointer, until deadline: ContinuousClock.Instant) throws(SQLError) {
        guard PQstatus(handle) != CONNECTION_BAD else {
            throw SQLError.postgresConnection(handle, "cannot connect to \(self.description)")
        }
        var status = PGRES_POLLING_WRITING
        while status != PGRES_POLLING_OK {
            guard status != PGRES_POLLING_FAILED else {
                throw SQLError.postgresConnection(handle, "cannot connect to \(self.description)")
            }
            let events = status == PGRES_POLLING_READING ? POLLIN : POLLOUT
            // The socket can change between polls (the next host or address of a multi-host URL).
            guard PostgresSocket.wait(PQsocket(handle), for: events, until: deadline) else {
                throw SQLError(.unavailable, "no answer from \(self.description) within \(self.connectTimeout)")
            }
            status = PQconnectPoll(handle)
        }
    }

    /// Reads host, port and database with libpq's own parser, so any form libpq takes is described.
    private static func describe(_ url: String) -> String {
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(url, &error) else {
            if let error { PQfreemem(error) }
            return "postgresql (unparsable URL)"
        }
        defer { PQconninfoFree(options) }
        var fields: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { fields[String(cString: keyword)] = String(cString: value) }
            option += 1
        }
        let host = fields["host"] ?? fields["hostaddr"] ?? "localhost"
        let port = fields["port"] ?? "5432"
        return "postgresql://\(host):\(port)/\(fields["dbname"] ?? fields["user"] ?? "")"
    }

    /// A NULL-terminated array of C strings, valid during `body`.
    private static func withCStrings<Result>(
        _ strings: [String],
        _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> Result
    ) -> Result {
        let copies = strings.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        let pointers = copies.map { $0.map { UnsafePointer($0) } } + [nil]
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
