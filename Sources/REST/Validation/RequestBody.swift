import Core
import Hummingbird

/// A request's JSON object, read field by field. Each accessor marks its field as known and
/// collects what is wrong with it; ``finish()`` then throws one 400 naming every bad or unknown
/// field, so a client fixes its request in one round trip.
struct RequestBody {
    private let object: [String: JSONValue]
    private var known: Set<String> = []
    private var errors: [ProblemDetails.FieldError] = []

    /// The largest body a CRM route reads; larger ones get 413 before parsing.
    static let maximumSize = 256 * 1024

    init(_ request: Request, context: some RequestContext) async throws {
        if let type = request.headers[.contentType], !Self.isJSON(type) {
            throw ProblemDetails(
                status: 415, title: "Unsupported Media Type",
                detail: "the body must be application/json, not \(type)")
        }
        // Over the limit, `collect` throws `NIOTooManyBytesError`, which ProblemMiddleware answers with 413.
        let buffer = try await request.body.collect(upTo: Self.maximumSize)
        try self.init(bytes: Array(buffer.readableBytesView))
    }

    init(bytes: [UInt8]) throws {
        guard !bytes.isEmpty else {
            throw Self.badRequest("the request needs a JSON object body", errors: nil)
        }
        guard let value = JSONValue.parse(bytes) else {
            throw Self.badRequest("the body is not valid JSON", errors: nil)
        }
        guard case .object(let object) = value else {
            throw Self.badRequest("the body must be a JSON object, not \(value.typeName)", errors: nil)
        }
        self.object = object
    }

    /// Whether the client sent this field at all (even as `null`).
    func has(_ name: String) -> Bool { self.object[name] != nil }

    /// A string field, trimmed of surrounding white space. `nil` when absent (or an error was recorded).
    mutating func string(_ name: String, required: Bool = false, maxLength: Int, allowEmpty: Bool = false) -> String? {
        guard let value = self.take(name, required: required) else { return nil }
        guard case .string(let raw) = value else {
            self.fail(name, "expected a string, got \(value.typeName)")
            return nil
        }
        return self.check(name, raw, maxLength: maxLength, allowEmpty: allowEmpty)
    }

    /// A string that may be `null`: `.none` absent, `.some(nil)` null.
    mutating func nullableString(_ name: String, maxLength: Int) -> String?? {
        guard let value = self.take(name, required: false) else { return .none }
        switch value {
        case .null: return .some(nil)
        case .string(let raw):
            guard let checked = self.check(name, raw, maxLength: maxLength, allowEmpty: false) else { return .none }
            return .some(checked)
        default:
            self.fail(name, "expected a string or null, got \(value.typeName)")
            return .none
        }
    }

    mutating func choice<T: RawRepresentable & CaseIterable>(_ name: String, _ type: T.Type, required: Bool = false)
        -> T? where T.RawValue == String
    {
        guard let value = self.take(name, required: required) else { return nil }
        let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
        guard case .string(let raw) = value else {
            self.fail(name, "expected one of \(allowed), got \(value.typeName)")
            return nil
        }
        guard let choice = T(rawValue: raw) else {
            self.fail(name, "\"\(Self.quoted(raw))\" is not one of \(allowed)")
            return nil
        }
        return choice
    }

    mutating func bool(_ name: String) -> Bool? {
        guard let value = self.take(name, required: false) else { return nil }
        guard case .bool(let bool) = value else {
            self.fail(name, "expected true or false, got \(value.typeName)")
            return nil
        }
        return bool
    }

    /// An array of short strings, each matching `isValid` (described by `rule`).
    mutating func stringArray(
        _ name: String, maxCount: Int, maxLength: Int, rule: String, isValid: (String) -> Bool
    ) -> [String]? {
        guard let value = self.take(name, required: false) else { return nil }
        guard case .array(let items) = value else {
            self.fail(name, "expected an array of strings, got \(value.typeName)")
            return nil
        }
        guard items.count <= maxCount else {
            self.fail(name, "at most \(maxCount) items are allowed, got \(items.count)")
            return nil
        }
        var strings: [String] = []
        var valid = true
        for (index, item) in items.enumerated() {
            let field = "\(name)[\(index)]"
            guard case .string(let raw) = item else {
                self.fail(field, "expected a string, got \(item.typeName)")
                valid = false
                continue
            }
            guard let checked = self.check(field, raw, maxLength: maxLength, allowEmpty: false) else {
                valid = false
                continue
            }
            guard isValid(checked) else {
                self.fail(field, "\"\(Self.quoted(checked))\" is not \(rule)")
                valid = false
                continue
            }
            strings.append(checked)
        }
        return valid ? strings : nil
    }

    /// Records a failure found by the caller (a cross-field rule).
    mutating func fail(_ field: String, _ detail: String) {
        self.errors.append(ProblemDetails.FieldError(field: field, detail: detail))
    }

    /// Throws the collected errors, and one for every field no accessor asked for.
    func finish() throws {
        try ValidationProblem.check(
            self.errors, unknown: self.object.keys.filter { !self.known.contains($0) }, unknownDetail: "unknown field",
            noun: "fields")
    }

    private mutating func take(_ name: String, required: Bool) -> JSONValue? {
        self.known.insert(name)
        guard let value = self.object[name] else {
            if required { self.fail(name, "is required") }
            return nil
        }
        if case .null = value, required {
            self.fail(name, "is required and cannot be null")
            return nil
        }
        return value
    }

    private mutating func check(_ name: String, _ raw: String, maxLength: Int, allowEmpty: Bool) -> String? {
        let text = raw.trimmingSpaces()
        if text.isEmpty && !allowEmpty {
            self.fail(name, "cannot be empty")
            return nil
        }
        if text.count > maxLength {
            self.fail(name, "is \(text.count) characters long; the limit is \(maxLength)")
            return nil
        }
        // C0 and C1 controls and DEL (general category Cc), except line breaks and tabs.
        if text.unicodeScalars.contains(where: {
            $0.properties.generalCategory == .control && $0 != "\n" && $0 != "\t" && $0 != "\r"
        }) {
            self.fail(name, "contains control characters")
            return nil
        }
        return text
    }

    private static func isJSON(_ contentType: String) -> Bool {
        let media = contentType.split(separator: ";").first.map { String($0).trimmingSpaces().lowercased() } ?? ""
        return media == "application/json" || (media.hasPrefix("application/") && media.hasSuffix("+json"))
    }

    /// A value echoed in an error, cut short so a huge value cannot bloat the response.
    static func quoted(_ text: String) -> String {
        text.count > 40 ? String(text.prefix(40)) + "..." : text
    }

    static func badRequest(_ detail: String, errors: [ProblemDetails.FieldError]?) -> ProblemDetails {
        ProblemDetails(status: 400, title: "Bad Request", detail: detail, errors: errors)
    }
}
