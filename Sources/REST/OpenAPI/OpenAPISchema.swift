/// The part of JSON Schema 2020-12 (OpenAPI 3.1's dialect) the Switchboard document uses: typed
/// values with their limits, closed objects, arrays, and references to `components/schemas`.
/// Null is a type like any other (`type: [string, "null"]`), as 3.1 writes it.
struct OpenAPISchema: Sendable {
    /// `string`, `integer`, `boolean`, `array`, `object`, and `null` for nullable values; empty for a reference.
    var types: [String] = []
    /// The `components/schemas` name this schema refers to.
    var reference: String?
    var format: String?
    var pattern: String?
    /// The pattern in words, for the HTML page, when the regular expression says it less plainly.
    var patternSummary: String?
    var choices: [String]?
    var minLength: Int?
    var maxLength: Int?
    var minimum: Int?
    var maximum: Int?
    var maxItems: Int?
    var defaultValue: OpenAPIJSON?
    var summary: String?
    var properties: [(name: String, schema: OpenAPISchema)] = []
    var required: [String] = []
    /// `false` for request bodies, whose unknown fields the server refuses.
    var additionalProperties: Bool?
    /// Keywords written as they are, for the cross-field rules of a body (`anyOf`, `allOf` with
    /// `if`/`then`); the page shows them through `summary`.
    var rules: [(String, OpenAPIJSON)] = []
    /// Boxed: a struct cannot hold itself directly.
    private var itemSchemas: [OpenAPISchema] = []
    private var valueSchemas: [OpenAPISchema] = []

    init(types: [String] = []) {
        self.types = types
    }

    var items: OpenAPISchema? {
        get { self.itemSchemas.first }
        set { self.itemSchemas = newValue.map { [$0] } ?? [] }
    }

    /// The schema of every member of a map-like object (`additionalProperties: {schema}`).
    var additionalPropertiesSchema: OpenAPISchema? {
        get { self.valueSchemas.first }
        set { self.valueSchemas = newValue.map { [$0] } ?? [] }
    }

    var isNullable: Bool { self.types.contains("null") }

    /// The type as the HTML page shows it: `string (date-time) or null`, `array of Ticket`.
    var typeName: String {
        if let reference { return reference }
        var names = self.types.filter { $0 != "null" }.map { type in
            switch type {
            case "array": "array of " + (self.items?.typeName ?? "values")
            default: self.format.map { "\(type) (\($0))" } ?? type
            }
        }
        if self.isNullable { names.append("null") }
        return names.joined(separator: " or ")
    }
}

extension OpenAPISchema {
    static func string(
        minLength: Int? = nil, maxLength: Int? = nil, format: String? = nil, pattern: String? = nil,
        _ summary: String? = nil
    ) -> Self {
        var schema = Self(types: ["string"])
        schema.minLength = minLength
        schema.maxLength = maxLength
        schema.format = format
        schema.pattern = pattern
        schema.summary = summary
        return schema
    }

    /// A string the server trims of spaces, tabs, CR and LF, then refuses when that leaves it empty,
    /// longer than `limit` characters, or holding a control character (C0, DEL, C1) other than tab,
    /// CR and LF.
    static func text(limit: Int, _ summary: String? = nil) -> Self {
        var schema = Self.string(minLength: 1, maxLength: limit, pattern: Self.textPattern, summary)
        schema.patternSummary = "not blank; no control characters but tab, CR and LF"
        return schema
    }

    /// Something other than white space, and no control characters but tab, LF and CR.
    static let textPattern =
        #"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*[^\x00-\x20\x7F-\x9F][^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$"#

    /// One of an enumeration's raw values.
    static func choice<T: RawRepresentable & CaseIterable>(_ type: T.Type, _ summary: String? = nil) -> Self
    where T.RawValue == String {
        .choice(T.allCases.map(\.rawValue), summary)
    }

    static func choice(_ values: [String], _ summary: String? = nil) -> Self {
        var schema = Self.string(summary)
        schema.choices = values
        return schema
    }

    static func integer(minimum: Int? = nil, maximum: Int? = nil, format: String? = nil, _ summary: String? = nil)
        -> Self
    {
        var schema = Self(types: ["integer"])
        schema.minimum = minimum
        schema.maximum = maximum
        schema.format = format
        schema.summary = summary
        return schema
    }

    /// A number that may have a fraction.
    static func number(minimum: Int? = nil, maximum: Int? = nil, _ summary: String? = nil) -> Self {
        var schema = Self(types: ["number"])
        schema.minimum = minimum
        schema.maximum = maximum
        schema.summary = summary
        return schema
    }

    static func boolean(_ summary: String? = nil) -> Self {
        var schema = Self(types: ["boolean"])
        schema.summary = summary
        return schema
    }

    static func array(of items: OpenAPISchema, maxItems: Int? = nil, _ summary: String? = nil) -> Self {
        var schema = Self(types: ["array"])
        schema.items = items
        schema.maxItems = maxItems
        schema.summary = summary
        return schema
    }

    /// A reference to `#/components/schemas/<name>`.
    static func ref(_ name: String, _ summary: String? = nil) -> Self {
        var schema = Self()
        schema.reference = name
        schema.summary = summary
        return schema
    }

    /// An object with these properties in this order; `required` names those always present (in a
    /// response) or that must be sent (in a request).
    static func object(
        _ properties: KeyValuePairs<String, OpenAPISchema>, required: [String], closed: Bool = false,
        _ summary: String? = nil
    ) -> Self {
        var schema = Self(types: ["object"])
        schema.properties = properties.map { (name: $0.key, schema: $0.value) }
        schema.required = required
        schema.additionalProperties = closed ? false : nil
        schema.summary = summary
        return schema
    }

    /// An object whose every property is always present, as every CRM resource is (absent values
    /// are `null`, never left out).
    static func resource(_ properties: KeyValuePairs<String, OpenAPISchema>, _ summary: String) -> Self {
        .object(properties, required: properties.map(\.key), summary)
    }

    /// The same schema, also allowing `null`.
    func nullable() -> Self {
        var schema = self
        if !schema.isNullable { schema.types.append("null") }
        return schema
    }

    func withDefault(_ value: OpenAPIJSON) -> Self {
        var schema = self
        schema.defaultValue = value
        return schema
    }

    var json: OpenAPIJSON {
        var members: [(String, OpenAPIJSON)] = []
        if let reference {
            members.append(("$ref", .string("#/components/schemas/" + reference)))
            members.append("description", self.summary.map(OpenAPIJSON.string))
            return .object(members)
        }
        members.append(
            ("type", self.types.count == 1 ? .string(self.types[0]) : .array(self.types.map(OpenAPIJSON.string))))
        members.append("description", self.summary.map(OpenAPIJSON.string))
        members.append("format", self.format.map(OpenAPIJSON.string))
        if let choices {
            // With `null` among the types, the enumeration must list it too, or null never validates.
            members.append(("enum", .array(choices.map(OpenAPIJSON.string) + (self.isNullable ? [.null] : []))))
        }
        members.append("minLength", self.minLength.map(OpenAPIJSON.int))
        members.append("maxLength", self.maxLength.map(OpenAPIJSON.int))
        members.append("pattern", self.pattern.map(OpenAPIJSON.string))
        members.append("minimum", self.minimum.map(OpenAPIJSON.int))
        members.append("maximum", self.maximum.map(OpenAPIJSON.int))
        members.append("maxItems", self.maxItems.map(OpenAPIJSON.int))
        members.append("items", self.items?.json)
        members.append("default", self.defaultValue)
        if self.types.contains("object") {
            members.append(("properties", .object(self.properties.map { ($0.name, $0.schema.json) })))
            if !self.required.isEmpty { members.append(("required", .array(self.required.map(OpenAPIJSON.string)))) }
            members.append("additionalProperties", self.additionalPropertiesSchema?.json)
            members.append("additionalProperties", self.additionalProperties.map(OpenAPIJSON.bool))
        }
        members += self.rules
        return .object(members)
    }
}
