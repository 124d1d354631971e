/// A JSON value whose object members keep the order they were written in, so the served document
/// reads top-down (`openapi`, `info`, `paths`, ...) like a hand-written one.
enum OpenAPIJSON: Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case array([OpenAPIJSON])
    case object([(String, OpenAPIJSON)])

    /// The value as UTF-8 JSON, indented by two spaces.
    func serialized() -> [UInt8] {
        var output = ""
        self.write(into: &output, indent: "")
        output.append("\n")
        return Array(output.utf8)
    }

    private func write(into output: inout String, indent: String) {
        switch self {
        case .null: output.append("null")
        case .bool(let value): output.append(value ? "true" : "false")
        case .int(let value): output.append(String(value))
        case .string(let value): Self.writeString(value, into: &output)
        case .array(let items):
            guard !items.isEmpty else { return output.append("[]") }
            let inner = indent + "  "
            output.append("[\n")
            for (index, item) in items.enumerated() {
                output.append(inner)
                item.write(into: &output, indent: inner)
                output.append(index == items.count - 1 ? "\n" : ",\n")
            }
            output.append(indent + "]")
        case .object(let members):
            guard !members.isEmpty else { return output.append("{}") }
            let inner = indent + "  "
            output.append("{\n")
            for (index, (key, value)) in members.enumerated() {
                output.append(inner)
                Self.writeString(key, into: &output)
                output.append(": ")
                value.write(into: &output, indent: inner)
                output.append(index == members.count - 1 ? "\n" : ",\n")
            }
            output.append(indent + "}")
        }
    }

    /// RFC 8259 section 7: quotes, backslashes and control characters escaped, the rest as is.
    private static func writeString(_ text: String, into output: inout String) {
        output.append("\"")
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output.append("\\\"")
            case "\\": output.append("\\\\")
            case "\n": output.append("\\n")
            case "\r": output.append("\\r")
            case "\t": output.append("\\t")
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            default: output.unicodeScalars.append(scalar)
            }
        }
        output.append("\"")
    }
}

extension OpenAPIJSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .int(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(arrayLiteral elements: OpenAPIJSON...) { self = .array(elements) }
    init(dictionaryLiteral elements: (String, OpenAPIJSON)...) { self = .object(elements) }
}

extension [(String, OpenAPIJSON)] {
    /// Appends a member only when there is a value, for the many optional keywords.
    mutating func append(_ key: String, _ value: OpenAPIJSON?) {
        if let value { self.append((key, value)) }
    }
}
