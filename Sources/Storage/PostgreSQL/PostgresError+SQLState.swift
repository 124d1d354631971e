import CLibPQ

extension SQLError {
    /// The error a failed statement's result carries, sorted by its SQLSTATE. Whatever the code, a
    /// connection that is no longer `CONNECTION_OK` makes it ``Kind/unavailable``: the statement may
    /// well have been fine, the database is what went away.
    static func postgres(result: OpaquePointer, connection: OpaquePointer) -> SQLError {
        let state = Self.field(result, DiagnosticField.sqlState)
        let primary = Self.field(result, DiagnosticField.primaryMessage) ?? Self.trimmed(PQresultErrorMessage(result))
        let message = state.map { "\(primary) (SQLSTATE \($0))" } ?? primary
        var kind = Self.kind(sqlState: state)
        if PQstatus(connection) != CONNECTION_OK { kind = .unavailable }
        let constraint = kind == .uniqueViolation ? Self.field(result, DiagnosticField.constraintName) : nil
        return SQLError(kind, message, constraint: constraint)
    }

    /// A failure of the connection itself (send, receive, connect), with libpq's message.
    static func postgresConnection(_ connection: OpaquePointer?, _ context: String) -> SQLError {
        let detail = connection.map { Self.trimmed(PQerrorMessage($0)) } ?? ""
        return SQLError(.unavailable, detail.isEmpty ? context : "\(context): \(detail)")
    }

    /// https://www.postgresql.org/docs/current/errcodes-appendix.html
    static func kind(sqlState: String?) -> Kind {
        guard let state = sqlState else { return .query }
        switch state {
        case "23505": return .uniqueViolation
        case "23503", "23514", "23502": return .constraintViolation
        case "40001", "40P01": return .conflict
        // Connection exceptions, shutdown or crash recovery in progress, too many connections.
        case "57P01", "57P02", "57P03", "53300": return .unavailable
        case _ where state.hasPrefix("08"): return .unavailable
        default: return .query
        }
    }

    /// `PG_DIAG_…` from postgres_ext.h: character-literal macros, which Swift does not import.
    private enum DiagnosticField {
        static let sqlState = Int32(UInt8(ascii: "C"))
        static let primaryMessage = Int32(UInt8(ascii: "M"))
        static let constraintName = Int32(UInt8(ascii: "n"))
    }

    private static func field(_ result: OpaquePointer, _ code: Int32) -> String? {
        guard let value = PQresultErrorField(result, code) else { return nil }
        return String(cString: value)
    }

    /// libpq's messages end in a newline and may span lines (`DETAIL:`, `HINT:`); logs want one line.
    static func trimmed(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "" }
        let lines = String(cString: message).split(whereSeparator: \.isNewline)
        return lines.map { $0.drop { $0 == " " || $0 == "\t" } }.joined(separator: " ")
    }
}
