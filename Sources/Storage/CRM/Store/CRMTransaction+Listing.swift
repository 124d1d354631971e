import Core

extension CRMTransaction {
    /// One keyset page: `limit + 1` rows are read so the next cursor exists only when more remain.
    func page<Item: Sendable>(
        _ builder: inout SQLBuilder,
        sort: String,
        column: String,
        descending: Bool,
        limit: Int,
        cursor: PageCursor?,
        decode: (SQLRow) throws(SQLError) -> Item,
        key: (Item) -> (value: Int64, id: String)
    ) throws -> Page<Item> {
        if let cursor {
            builder.after(column: column, value: cursor.value, id: cursor.id, descending: descending)
        }
        let sql = builder.finish(orderBy: column, descending: descending, limit: limit + 1)
        var items: [Item] = []
        for row in try self.connection.query(sql, builder.binds) { items.append(try decode(row)) }
        guard items.count > limit else { return Page(items: items, nextCursor: nil) }
        items.removeLast()
        let last = key(items[items.count - 1])
        return Page(items: items, nextCursor: PageCursor(sort: sort, value: last.value, id: last.id).encoded)
    }

    /// After a compare-and-set `UPDATE ... WHERE id = ? AND version = ?`: no row changed means another
    /// writer committed between this transaction's read and its write (PostgreSQL, read committed).
    func requireUnchanged(_ changed: Int, table: String, id: String) throws {
        guard changed == 0 else { return }
        let current = try self.connection.query("SELECT version FROM \(table) WHERE id = $1", .text(id)).first
        throw CRMError.versionMismatch(current: try current?.integer("version") ?? 0)
    }

    /// Turns a unique violation on `field` into a 409-shaped error.
    @discardableResult
    func uniquely<T>(_ fields: [String], _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as SQLError where error.kind == .uniqueViolation {
            let field = fields.first { error.constraint?.contains($0) == true || error.message.contains($0) }
            throw CRMError.conflict(
                field: field ?? fields.first ?? "id", detail: "another record already has this \(field ?? "value")")
        }
    }
}

/// A list request without filters of its own: newest first by default.
public struct ListQuery: Sendable, Hashable {
    public var ascending = false
    public var limit = 50
    public var cursor: PageCursor?
    /// Case-insensitive substring filter on the resource's text fields, where it has one.
    public var text: String?

    public init() {}

    /// The cursor's sort name: `created_at` or `-created_at`.
    public var sortName: String { self.ascending ? "created_at" : "-created_at" }
}
