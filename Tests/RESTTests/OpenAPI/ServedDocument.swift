import Core
import Foundation
import SwitchboardTestSupport
import Testing

/// `/openapi.json` as a running server serves it, with the look-ups the OpenAPI suites share.
struct ServedDocument: Sendable {
    struct Operation: Sendable, CustomStringConvertible {
        /// Upper case, as on the wire.
        var method: String
        var path: String
        var object: JSON

        var id: String { self.object["operationId"]?.string ?? "\(self.method) \(self.path)" }
        var parameters: [JSON] { self.object["parameters"]?.array ?? [] }
        var statuses: Set<Int> { Set(self.object["responses"]?.object?.keys.compactMap { Int($0) } ?? []) }
        /// `security: []`.
        var isOpen: Bool { self.object["security"]?.array?.isEmpty == true }
        var requiredRole: String? { self.object["x-required-role"]?.string }
        var requestBody: JSON? { self.object["requestBody"]?["content"]?["application/json"]?["schema"] }
        var description: String { "\(self.method) \(self.path)" }

        func parameter(_ name: String, in location: String) -> JSON? {
            self.parameters.first { $0["name"]?.string == name && $0["in"]?.string == location }
        }

        func response(_ status: Int) -> JSON? { self.object["responses"]?[String(status)] }

        /// The lowest 2xx status the operation documents: what a valid call answers.
        var successStatus: Int? { self.statuses.filter { (200..<300).contains($0) }.min() }
    }

    let root: JSON

    static func fetch(_ api: APIClient) async throws -> ServedDocument {
        let response = try await api.with(key: nil).get("/openapi.json")
        try #require(response.status == 200, "GET /openapi.json: \(response.status) \(response.body.prefix(300))")
        let root = try #require(JSON.parse(response.body), "/openapi.json is not JSON")
        return ServedDocument(root: root)
    }

    var operations: [Operation] {
        let methods = ["get", "put", "post", "patch", "delete", "head", "options", "trace"]
        var operations: [Operation] = []
        for (path, item) in self.root["paths"]?.object ?? [:] {
            for method in methods {
                if let object = item[method] {
                    operations.append(Operation(method: method.uppercased(), path: path, object: object))
                }
            }
        }
        return operations.sorted { ($0.path, $0.method) < ($1.path, $1.method) }
    }

    func operation(_ id: String) -> Operation? {
        self.operations.first { $0.id == id }
    }

    /// The schema a `$ref` names, else the schema itself.
    func resolve(_ schema: JSON) -> JSON {
        guard let reference = schema["$ref"]?.string else { return schema }
        let prefix = "#/components/schemas/"
        guard reference.hasPrefix(prefix),
            let target = self.root["components"]?["schemas"]?[String(reference.dropFirst(prefix.count))]
        else { return .object([:]) }
        return self.resolve(target)
    }

    /// Every `$ref` anywhere in the document, with where it is.
    func references() -> [(at: String, target: String)] {
        var found: [(String, String)] = []
        func walk(_ value: JSON, _ path: String) {
            switch value {
            case .object(let members):
                if let target = members["$ref"]?.string { found.append((path, target)) }
                for (key, member) in members { walk(member, path + "/" + key) }
            case .array(let items):
                for (index, item) in items.enumerated() { walk(item, path + "/\(index)") }
            default: break
            }
        }
        walk(self.root, "#")
        return found
    }

    /// Whether `#/a/b/c` names something in the document.
    func exists(_ pointer: String) -> Bool {
        guard pointer.hasPrefix("#/") else { return false }
        var value: JSON? = self.root
        for part in pointer.dropFirst(2).split(separator: "/") {
            value =
                value?[String(part).replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")]
        }
        return value != nil
    }
}

extension APIResponse {
    /// The body parsed as ``JSON``; `nil` when it is not JSON.
    var json: JSON? { JSON.parse(self.body) }

    /// The media type without parameters, lower case.
    var mediaType: String? {
        self[header: "content-type"]?.split(separator: ";").first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
    }
}

/// ``withCRMServer(_:configure:_:)`` for the OpenAPI suites. Their checking is CPU work (parsing the
/// document, matching patterns against long strings), so `body` runs off the cooperative pool: on
/// a two-core machine it would otherwise starve the in-process servers of the suites running
/// beside it.
func withDocumentedServer<T: Sendable>(
    _ backend: StorageBackend,
    configure: @escaping @Sendable (inout SwitchboardConfiguration) -> Void = { _ in },
    _ body: @Sendable (RunningServer, APIClient) async throws -> T
) async throws -> T {
    try await withCRMServer(backend, configure: configure) { running, api in
        try await withBlockingIO { try await body(running, api) }
    }
}
