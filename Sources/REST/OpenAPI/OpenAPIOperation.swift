import HTTPTypes

/// A path, query or header parameter of an operation.
struct OpenAPIParameter: Sendable {
    enum Location: String, Sendable {
        case path, query, header
    }

    var name: String
    var location: Location
    var required = false
    var summary: String
    var schema: OpenAPISchema
    /// For a comma-separated list in one query parameter (`status=open,pending`): `style: form`,
    /// `explode: false`.
    var isCommaSeparated = false
    /// The parameter this one is another spelling of (`fromDate` for `from_date`), as `x-alias-of`.
    var aliasOf: String?

    var json: OpenAPIJSON {
        var members: [(String, OpenAPIJSON)] = [
            ("name", .string(self.name)), ("in", .string(self.location.rawValue)),
            ("description", .string(self.summary)),
        ]
        if self.required || self.location == .path { members.append(("required", true)) }
        if self.isCommaSeparated {
            members.append(("style", "form"))
            members.append(("explode", false))
        }
        members.append(("schema", self.schema.json))
        members.append("x-alias-of", self.aliasOf.map(OpenAPIJSON.string))
        return .object(members)
    }
}

/// A response header, kept once in `components/headers` and referred to by name.
struct OpenAPIHeader: Sendable {
    var name: String
    var summary: String
    var schema: OpenAPISchema

    var json: OpenAPIJSON {
        ["description": .string(self.summary), "schema": self.schema.json]
    }

    var reference: OpenAPIJSON {
        ["$ref": .string("#/components/headers/" + self.name)]
    }
}

/// One status an operation answers with: what it means here, its body and its headers.
struct OpenAPIResponse: Sendable {
    var status: Int
    var summary: String
    /// Media type and schema of the body; empty for a bodiless answer (304).
    var content: [(mediaType: String, schema: OpenAPISchema)] = []
    var headers: [OpenAPIHeader] = []

    var json: OpenAPIJSON {
        var members: [(String, OpenAPIJSON)] = [("description", .string(self.summary))]
        if !self.headers.isEmpty {
            members.append(("headers", .object(self.headers.map { ($0.name, $0.reference) })))
        }
        if !self.content.isEmpty {
            members.append(("content", .object(self.content.map { ($0.mediaType, ["schema": $0.schema.json]) })))
        }
        return .object(members)
    }
}

/// Who may call an operation.
enum OpenAPIAccess: String, Sendable {
    /// No key (`security: []`).
    case open
    /// Any valid key: agent or admin.
    case agent
    /// An admin key; an agent key gets 403.
    case admin
}

/// One route: method and path template exactly as registered, and what it takes and answers.
struct OpenAPIOperation: Sendable {
    var method: HTTPRequest.Method
    var path: String
    var id: String
    var tag: String
    var summary: String
    var details: String
    var access: OpenAPIAccess = .agent
    var parameters: [OpenAPIParameter] = []
    /// The JSON body's schema, a reference to `components/schemas`.
    var requestBody: OpenAPISchema?
    var responses: [OpenAPIResponse] = []

    var json: OpenAPIJSON {
        var members: [(String, OpenAPIJSON)] = [
            ("tags", [.string(self.tag)]), ("summary", .string(self.summary)), ("description", .string(self.details)),
            ("operationId", .string(self.id)),
        ]
        if !self.parameters.isEmpty { members.append(("parameters", .array(self.parameters.map(\.json)))) }
        if let requestBody {
            members.append(
                (
                    "requestBody",
                    [
                        "required": true,
                        "content": ["application/json": ["schema": requestBody.json]],
                    ]
                ))
        }
        members.append(("responses", .object(self.responses.map { (String($0.status), $0.json) })))
        switch self.access {
        case .open: members.append(("security", []))
        case .agent, .admin: members.append(("x-required-role", .string(self.access.rawValue)))
        }
        return .object(members)
    }
}
