import Foundation

extension AuditChange {
    /// The stored form: a JSON array of `{"field", "from", "to"}`.
    static func encode(_ changes: [AuditChange]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Strings and optionals only: encoding cannot fail.
        return (try? encoder.encode(changes)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }

    static func decode(_ text: String) -> [AuditChange] {
        (try? JSONDecoder().decode([AuditChange].self, from: Data(text.utf8))) ?? []
    }

    /// The change of one field, or nothing when it kept its value.
    static func diff(_ field: String, _ old: String?, _ new: String?) -> [AuditChange] {
        old == new ? [] : [AuditChange(field: field, from: old, to: new)]
    }
}
