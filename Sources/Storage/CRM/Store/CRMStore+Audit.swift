import Core

public struct AuditQuery: Sendable, Hashable {
    public var entityType: String?
    public var entityID: String?
    public var actor: String?
    public var list = ListQuery()

    public init() {}
}

extension CRMStore {
    public func audit(_ query: AuditQuery) async throws -> Page<AuditEntry> {
        try await self.read { transaction in
            var builder = SQLBuilder("SELECT \(AuditEntry.columns) FROM audit_log")
            if let type = query.entityType { builder.condition("entity_type = \(builder.bind(.text(type)))") }
            if let id = query.entityID { builder.condition("entity_id = \(builder.bind(.text(id)))") }
            if let actor = query.actor { builder.condition("actor = \(builder.bind(.text(actor)))") }
            let list = query.list
            return try transaction.page(
                &builder, sort: list.sortName, column: "at", descending: !list.ascending, limit: list.limit,
                cursor: list.cursor, decode: AuditEntry.init(row:), key: { ($0.at.microseconds, $0.id) })
        }
    }
}
