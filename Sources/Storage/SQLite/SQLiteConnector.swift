import CSQLite

/// Opens connections to one SQLite file. WAL mode lets readers run beside the one writer, and the
/// busy timeout makes a second writer wait for the lock instead of failing at once.
public struct SQLiteConnector: SQLConnector {
    public let path: String
    /// How long a statement waits for another connection's write lock before reporting a conflict.
    public var busyTimeout: Duration = .seconds(5)

    public init(path: String) {
        self.path = path
    }

    public var dialect: SQLDialect { .sqlite }
    public var description: String { "sqlite:\(self.path)" }

    public func connect() throws(SQLError) -> any SQLConnection {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(self.path, &handle, flags, nil)
        guard status == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            throw SQLError(.unavailable, "cannot open \(self.path): \(message)")
        }
        let milliseconds =
            self.busyTimeout.components.seconds * 1000
            + self.busyTimeout.components.attoseconds / 1_000_000_000_000_000
        sqlite3_busy_timeout(handle, Int32(clamping: milliseconds))
        let connection = SQLiteConnection(handle: handle)
        // WAL: readers never block the writer; NORMAL sync is durable across application crashes
        // (only an OS crash can lose the last transactions); foreign keys are off by default in SQLite.
        try connection.executeScript(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")
        return connection
    }
}
