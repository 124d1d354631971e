import HTTPTypes

/// An OpenAPI 3.1 document: the typed model both `/openapi.json` and `/docs` are rendered from.
struct OpenAPIDocument: Sendable {
    struct Tag: Sendable {
        var name: String
        var summary: String
    }

    static let version = "3.1.0"

    var title: String
    var apiVersion: String
    /// CommonMark, as OpenAPI descriptions are.
    var details: String
    var tags: [Tag]
    var operations: [OpenAPIOperation]
    var schemas: [(name: String, schema: OpenAPISchema)]
    var headers: [OpenAPIHeader]
    /// The `X-API-Key` header every operation needs unless it says `security: []`.
    var apiKeyHeader: String
    var apiKeyDescription: String

    /// The paths in the order their first operation appears.
    var paths: [String] {
        var seen: Set<String> = []
        return self.operations.map(\.path).filter { seen.insert($0).inserted }
    }

    var json: OpenAPIJSON {
        let paths = self.paths.map { path in
            let operations = self.operations.filter { $0.path == path }
            return (path, OpenAPIJSON.object(operations.map { ($0.method.rawValue.lowercased(), $0.json) }))
        }
        return [
            "openapi": .string(Self.version),
            "info": [
                "title": .string(self.title), "version": .string(self.apiVersion), "description": .string(self.details),
            ],
            "tags": .array(self.tags.map { ["name": .string($0.name), "description": .string($0.summary)] }),
            "security": [["apiKey": []]],
            "paths": .object(paths),
            "components": [
                "securitySchemes": [
                    "apiKey": [
                        "type": "apiKey", "in": "header", "name": .string(self.apiKeyHeader),
                        "description": .string(self.apiKeyDescription),
                    ]
                ],
                "schemas": .object(self.schemas.map { ($0.name, $0.schema.json) }),
                "headers": .object(self.headers.map { ($0.name, $0.json) }),
            ],
        ]
    }

    func schema(named name: String) -> OpenAPISchema? {
        self.schemas.first { $0.name == name }?.schema
    }
}
