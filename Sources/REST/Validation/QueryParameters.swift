import Core
import Hummingbird
import Storage

/// A list route's query string, read parameter by parameter like ``RequestBody``: every bad or
/// unknown parameter ends in one 400 that names it and says what is expected.
struct QueryParameters {
    private var values: [String: [String]] = [:]
    private var known: Set<String> = []
    private var errors: [ProblemDetails.FieldError] = []

    init(_ request: Request) {
        for (name, value) in request.uri.queryParameters {
            self.values[String(name), default: []].append(String(value))
        }
    }

    /// The parameter's single value, under its name or any alias (`from_date` / `fromDate`).
    mutating func string(_ names: String..., maxLength: Int = 200) -> String? {
        var found: [(String, String)] = []
        for name in names {
            self.known.insert(name)
            for value in self.values[name] ?? [] { found.append((name, value)) }
        }
        guard let (name, value) = found.first else { return nil }
        guard found.count == 1 else {
            self.fail(name, "is given \(found.count) times; give it once")
            return nil
        }
        guard value.count <= maxLength else {
            self.fail(name, "is longer than \(maxLength) characters")
            return nil
        }
        return value
    }

    /// A comma-separated list of choices (`status=open,pending`).
    mutating func choices<T: RawRepresentable & CaseIterable>(_ name: String, _ type: T.Type) -> [T]
    where T.RawValue == String {
        guard let raw = self.string(name) else { return [] }
        var result: [T] = []
        for item in raw.split(separator: ",", omittingEmptySubsequences: false) {
            guard let value = T(rawValue: String(item).trimmingSpaces()) else {
                let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
                self.fail(name, "\"\(RequestBody.quoted(String(item)))\" is not one of \(allowed)")
                return []
            }
            result.append(value)
        }
        return result
    }

    mutating func choice<T: RawRepresentable & CaseIterable>(_ name: String, _ type: T.Type) -> T?
    where T.RawValue == String {
        let values = self.choices(name, type)
        if values.count > 1 { self.fail(name, "takes one value") }
        return values.first
    }

    /// A `YYYY-MM-DD` date, as midnight UTC.
    mutating func date(_ names: String...) -> Timestamp? {
        var found: [(String, String)] = []
        for name in names {
            self.known.insert(name)
            for value in self.values[name] ?? [] { found.append((name, value)) }
        }
        guard let (name, raw) = found.first else { return nil }
        guard found.count == 1 else {
            self.fail(name, "is given \(found.count) times; give it once")
            return nil
        }
        guard let date = Timestamp(date: raw) else {
            self.fail(name, "\"\(RequestBody.quoted(raw))\" is not a date; expected YYYY-MM-DD, e.g. 2026-01-31")
            return nil
        }
        return date
    }

    mutating func integer(_ name: String, in range: ClosedRange<Int>) -> Int? {
        guard let raw = self.string(name) else { return nil }
        guard let value = Int(raw), range.contains(value) else {
            self.fail(
                name, "\"\(RequestBody.quoted(raw))\" is not an integer from \(range.lowerBound) to \(range.upperBound)"
            )
            return nil
        }
        return value
    }

    mutating func bool(_ name: String) -> Bool? {
        guard let raw = self.string(name) else { return nil }
        switch raw {
        case "true": return true
        case "false": return false
        default:
            self.fail(name, "\"\(RequestBody.quoted(raw))\" is not true or false")
            return nil
        }
    }

    /// The `limit` and `cursor` of a keyset page; a cursor from another sort is refused.
    mutating func page(sort: String) -> (limit: Int, cursor: PageCursor?) {
        let limit = self.integer("limit", in: 1...200) ?? 50
        guard let raw = self.string("cursor", maxLength: 400) else { return (limit, nil) }
        guard let cursor = PageCursor(encoded: raw), cursor.sort == sort else {
            self.fail("cursor", "is not a cursor of this list and sort; use the next link of the previous page")
            return (limit, nil)
        }
        return (limit, cursor)
    }

    /// `sort=created_at` or `sort=-created_at` for the simple lists.
    mutating func listQuery(text: Bool, ascendingByDefault: Bool = false) -> ListQuery {
        var query = ListQuery()
        query.ascending = ascendingByDefault
        if let sort = self.string("sort") {
            switch sort {
            case "created_at": query.ascending = true
            case "-created_at": query.ascending = false
            default: self.fail("sort", "\"\(RequestBody.quoted(sort))\" is not one of created_at, -created_at")
            }
        }
        (query.limit, query.cursor) = self.page(sort: query.sortName)
        if text { query.text = self.string("q") }
        return query
    }

    mutating func fail(_ name: String, _ detail: String) {
        self.errors.append(ProblemDetails.FieldError(field: name, detail: detail))
    }

    func finish() throws {
        try ValidationProblem.check(
            self.errors, unknown: self.values.keys.filter { !self.known.contains($0) },
            unknownDetail: "unknown query parameter", noun: "query parameters")
    }
}
