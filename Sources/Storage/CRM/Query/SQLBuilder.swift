/// A statement assembled from optional parts, numbering its `$n` parameters as they are added so
/// that values never enter the SQL text.
struct SQLBuilder {
    var sql: String
    private(set) var binds: [SQLValue] = []
    private var conditions: [String] = []

    init(_ sql: String) {
        self.sql = sql
    }

    /// Adds a value and returns its placeholder.
    mutating func bind(_ value: SQLValue) -> String {
        self.binds.append(value)
        return "$\(self.binds.count)"
    }

    mutating func condition(_ text: String) {
        self.conditions.append(text)
    }

    /// `IN ($1, $2, ...)` for a non-empty list.
    mutating func condition(_ column: String, in values: [String]) {
        guard !values.isEmpty else { return }
        let placeholders = values.map { self.bind(.text($0)) }.joined(separator: ", ")
        self.conditions.append("\(column) IN (\(placeholders))")
    }

    /// Keyset pagination: rows strictly after (`value`, `id`) in the given direction.
    mutating func after(column: String, value: Int64, id: String, descending: Bool) {
        let valuePlaceholder = self.bind(.integer(value))
        let idPlaceholder = self.bind(.text(id))
        self.conditions.append("(\(column), id) \(descending ? "<" : ">") (\(valuePlaceholder), \(idPlaceholder))")
    }

    /// The statement with its `WHERE`, order and limit.
    mutating func finish(orderBy column: String, descending: Bool, limit: Int) -> String {
        var text = self.sql
        if !self.conditions.isEmpty { text += " WHERE " + self.conditions.joined(separator: " AND ") }
        let direction = descending ? "DESC" : "ASC"
        text += " ORDER BY \(column) \(direction), id \(direction) LIMIT \(self.bind(.integer(Int64(limit))))"
        return text
    }

    /// A `LIKE` pattern matching `text` anywhere, with its wildcards escaped (use `ESCAPE '\'`).
    static func containsPattern(_ text: String) -> String {
        var escaped = ""
        for character in text.lowercased() {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return "%" + escaped + "%"
    }
}
