/// What went wrong talking to the database, sorted into the few kinds callers act on. The message
/// is the backend's own text, for logs; it may name tables and values, so it never goes to clients.
public struct SQLError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The database cannot be reached, or the connection broke: retry later (503).
        case unavailable
        /// Too many requests are already waiting for a connection: retry later (503).
        case overloaded
        /// A `UNIQUE` or primary-key constraint refused the row.
        case uniqueViolation
        /// A foreign key or `CHECK` constraint refused the row.
        case constraintViolation
        /// The transaction lost a race (SQLite busy, PostgreSQL serialization failure or deadlock) and
        /// may be retried as a whole.
        case conflict
        /// A bug: bad SQL, a missing or mistyped column.
        case query
    }

    public var kind: Kind
    public var message: String
    /// The constraint a violation names, when the backend says.
    public var constraint: String?

    public init(_ kind: Kind, _ message: String, constraint: String? = nil) {
        self.kind = kind
        self.message = message
        self.constraint = constraint
    }

    public var description: String {
        "SQLError(\(self.kind)): \(self.message)" + (self.constraint.map { " [\($0)]" } ?? "")
    }

    static func missingColumn(_ column: String) -> SQLError {
        SQLError(.query, "column \(column) is missing or null")
    }

    static func wrongType(_ column: String, expected: String) -> SQLError {
        SQLError(.query, "column \(column) is not \(expected)")
    }
}
