import Core

/// The one 400 a request validator throws: every bad field it recorded, then every field the
/// client sent that no accessor asked for.
enum ValidationProblem {
    /// - Parameters:
    ///   - unknown: names the client sent that the route does not read, reported as `unknownDetail`.
    ///   - noun: what the fields are, plural, for the summary ("fields", "query parameters").
    static func check(
        _ errors: [ProblemDetails.FieldError], unknown: [String], unknownDetail: String, noun: String
    ) throws {
        let all = errors + unknown.sorted().map { ProblemDetails.FieldError(field: $0, detail: unknownDetail) }
        guard let first = all.first else { return }
        let detail =
            all.count == 1
            ? "\(first.field): \(first.detail)"
            : "\(all.count) \(noun) are invalid: " + all.map(\.field).joined(separator: ", ")
        throw RequestBody.badRequest(detail, errors: all)
    }
}
