import Foundation

/// Checks a JSON value against the part of JSON Schema 2020-12 the Switchboard document uses:
/// `$ref`, `type` (one or a list, `null` included), `enum`, `const`, `required`, `properties`,
/// `additionalProperties`, `items`, `maxItems`, `minLength`/`maxLength` (in Unicode scalars, as
/// JSON Schema counts), `pattern`, `minimum`/`maximum`, the `date-time` and `date` formats, and
/// the cross-field keywords `allOf`, `anyOf`, `if`/`then`. A keyword it does not know fails the
/// check, so the document cannot outgrow it silently.
struct SchemaChecker {
    let document: ServedDocument

    static let known: Set<String> = [
        "$ref", "type", "enum", "const", "required", "properties", "additionalProperties", "items", "maxItems",
        "minLength", "maxLength", "pattern", "minimum", "maximum", "format", "allOf", "anyOf", "if", "then",
        "description", "default",
    ]

    /// What is wrong with `value`, one line each; empty when it is valid.
    func errors(_ value: JSON, _ schema: JSON, at path: String = "$") -> [String] {
        guard case .object(let keywords) = schema else { return ["\(path): the schema is not an object"] }
        var errors: [String] = []
        for keyword in keywords.keys where !Self.known.contains(keyword) {
            errors.append("\(path): the checker does not know the keyword \(keyword)")
        }
        if let reference = keywords["$ref"] {
            let target = self.document.resolve(["$ref": reference])
            guard target != .object([:]) else { return ["\(path): \(reference) resolves to nothing"] }
            return errors + self.errors(value, target, at: path)
        }
        if let type = keywords["type"] {
            let types = type.string.map { [$0] } ?? type.strings
            guard types.contains(where: { Self.has(value, type: $0) }) else {
                return errors + ["\(path): \(value) is not of type \(types.joined(separator: " or "))"]
            }
        }
        if let choices = keywords["enum"]?.array, !choices.contains(value) {
            errors.append("\(path): \(value) is not one of \(choices)")
        }
        if let constant = keywords["const"], constant != value {
            errors.append("\(path): \(value) is not \(constant)")
        }
        switch value {
        case .string(let text): errors += self.stringErrors(text, keywords, at: path)
        case .number(let number):
            if let minimum = keywords["minimum"]?.int, number < Double(minimum) {
                errors.append("\(path): \(value) is below \(minimum)")
            }
            if let maximum = keywords["maximum"]?.int, number > Double(maximum) {
                errors.append("\(path): \(value) is above \(maximum)")
            }
        case .array(let items):
            if let maxItems = keywords["maxItems"]?.int, items.count > maxItems {
                errors.append("\(path): \(items.count) items, more than \(maxItems)")
            }
            if let itemSchema = keywords["items"] {
                for (index, item) in items.enumerated() {
                    errors += self.errors(item, itemSchema, at: "\(path)[\(index)]")
                }
            }
        case .object(let members): errors += self.objectErrors(members, keywords, at: path)
        case .null, .bool: break
        }
        for part in keywords["allOf"]?.array ?? [] { errors += self.errors(value, part, at: path) }
        if let choices = keywords["anyOf"]?.array,
            !choices.contains(where: { self.errors(value, $0, at: path).isEmpty })
        {
            errors.append("\(path): \(value) matches none of anyOf")
        }
        if let condition = keywords["if"], self.errors(value, condition, at: path).isEmpty, let then = keywords["then"]
        {
            errors += self.errors(value, then, at: path)
        }
        return errors
    }

    /// Whether the value is valid.
    func accepts(_ value: JSON, _ schema: JSON) -> Bool { self.errors(value, schema).isEmpty }

    private static func has(_ value: JSON, type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object),
            ("number", .number):
            true
        case ("integer", .number(let number)): number == number.rounded()
        default: false
        }
    }

    private func stringErrors(_ text: String, _ keywords: [String: JSON], at path: String) -> [String] {
        var errors: [String] = []
        let length = text.unicodeScalars.count
        if let minLength = keywords["minLength"]?.int, length < minLength {
            errors.append("\(path): \(length) characters, fewer than \(minLength)")
        }
        if let maxLength = keywords["maxLength"]?.int, length > maxLength {
            errors.append("\(path): \(length) characters, more than \(maxLength)")
        }
        if let pattern = keywords["pattern"]?.string, !Self.matches(text, pattern) {
            errors.append("\(path): \(text.debugDescription.prefix(60)) does not match \(pattern)")
        }
        switch keywords["format"]?.string {
        case "date-time"
        where !Self.matches(text, #"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z$"#):
            errors.append("\(path): \(text.debugDescription) is not an RFC 3339 UTC date-time")
        case "date" where !Self.matches(text, #"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"#):
            errors.append("\(path): \(text.debugDescription) is not a date")
        default: break
        }
        return errors
    }

    private func objectErrors(_ members: [String: JSON], _ keywords: [String: JSON], at path: String) -> [String] {
        var errors: [String] = []
        for name in keywords["required"]?.strings ?? [] where members[name] == nil {
            errors.append("\(path): \(name) is required")
        }
        let properties = keywords["properties"]?.object ?? [:]
        for (name, member) in members {
            if let schema = properties[name] {
                errors += self.errors(member, schema, at: "\(path).\(name)")
            } else if keywords["additionalProperties"] == .bool(false) {
                errors.append("\(path): \(name) is not a property")
            } else if let schema = keywords["additionalProperties"], schema.object != nil {
                errors += self.errors(member, schema, at: "\(path).\(name)")
            }
        }
        return errors
    }

    /// ECMA-262 and ICU agree on the constructs the document uses (classes, `\x` escapes, groups).
    static func matches(_ text: String, _ pattern: String) -> Bool {
        guard let regex = Self.regexes.compiled(pattern) else { return false }
        return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    private static let regexes = RegexCache()
}

/// Each pattern compiled once: the suites match the same few patterns thousands of times.
private final class RegexCache: @unchecked Sendable {
    private let lock = NSLock()
    private var compiled: [String: NSRegularExpression] = [:]

    func compiled(_ pattern: String) -> NSRegularExpression? {
        self.lock.withLock {
            if let regex = self.compiled[pattern] { return regex }
            let regex = try? NSRegularExpression(pattern: pattern)
            self.compiled[pattern] = regex
            return regex
        }
    }
}
