/// Why a CRM operation was refused. REST maps each case to its status: not found 404, version
/// mismatch 412, conflict 409, invalid 422.
public enum CRMError: Error, Sendable, Hashable {
    case notFound(resource: String, id: String)
    /// The caller's `If-Match` named an older version.
    case versionMismatch(current: Int64)
    /// A unique value is taken (an email, a phone number).
    case conflict(field: String, detail: String)
    /// A reference or state the request relies on is not there: an unknown customer id, an
    /// inactive assignee, a message on an archived ticket.
    case invalid(field: String, detail: String)
}
