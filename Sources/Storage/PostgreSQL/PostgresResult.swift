import CLibPQ

/// One `PGresult`, cleared when the last reference goes.
final class PostgresResult {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit { PQclear(self.pointer) }

    var status: ExecStatusType { PQresultStatus(self.pointer) }

    var isError: Bool {
        let status = self.status
        return status == PGRES_FATAL_ERROR || status == PGRES_BAD_RESPONSE || status == PGRES_NONFATAL_ERROR
    }

    /// The `COPY` protocol needs calls of its own that nothing here makes; a connection left in it is lost.
    var isCopy: Bool {
        let status = self.status
        return status == PGRES_COPY_IN || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH
    }

    /// Rows inserted, updated or deleted (`PQcmdTuples` is empty for other commands).
    var affectedRows: Int {
        guard let text = PQcmdTuples(self.pointer) else { return 0 }
        return Int(String(cString: text)) ?? 0
    }

    func rows() -> [SQLRow] {
        let columnCount = PQnfields(self.pointer)
        let rowCount = PQntuples(self.pointer)
        guard columnCount > 0 else { return [] }
        let columns = (0..<columnCount).map { String(cString: PQfname(self.pointer, $0)) }
        let types = (0..<columnCount).map { PQftype(self.pointer, $0) }
        var rows: [SQLRow] = []
        rows.reserveCapacity(Int(rowCount))
        for row in 0..<rowCount {
            let values = (0..<columnCount).map { self.value(row: row, column: $0, type: types[Int($0)]) }
            rows.append(SQLRow(columns: columns, values: values))
        }
        return rows
    }

    /// Results come in text format; the column's type OID says which ``SQLValue`` the text stands for.
    /// Types without a numeric or binary meaning here (dates, UUIDs, JSON) stay text for their owners.
    private func value(row: Int32, column: Int32, type: Oid) -> SQLValue {
        if PQgetisnull(self.pointer, row, column) != 0 { return .null }
        guard let start = PQgetvalue(self.pointer, row, column) else { return .null }
        let count = Int(PQgetlength(self.pointer, row, column))
        let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
        switch type {
        case PostgresType.int2, PostgresType.int4, PostgresType.int8:
            return Int64(text).map(SQLValue.integer) ?? .text(text)
        case PostgresType.float4, PostgresType.float8, PostgresType.numeric:
            return Double(text).map(SQLValue.real) ?? .text(text)
        case PostgresType.bool:
            return .integer(text == "t" ? 1 : 0)
        case PostgresType.bytea:
            return Self.bytea(start) ?? .text(text)
        default:
            return .text(text)
        }
    }

    /// Decodes both of bytea's text forms (`\x` hex, the default, and the older escape format).
    private static func bytea(_ text: UnsafePointer<CChar>) -> SQLValue? {
        var length = 0
        let decoded = text.withMemoryRebound(to: UInt8.self, capacity: 1) { PQunescapeBytea($0, &length) }
        guard let decoded else { return nil }
        defer { PQfreemem(decoded) }
        return .blob(Array(UnsafeBufferPointer(start: decoded, count: length)))
    }
}

/// Type OIDs from `pg_type`; they are fixed for built-in types.
enum PostgresType {
    static let bool: Oid = 16
    static let bytea: Oid = 17
    static let int8: Oid = 20
    static let int2: Oid = 21
    static let int4: Oid = 23
    static let float4: Oid = 700
    static let float8: Oid = 701
    static let numeric: Oid = 1700
}
