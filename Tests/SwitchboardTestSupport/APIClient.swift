import Foundation

/// JSON over HTTP to a test server, one fresh connection per request (so a test's calls may run
/// concurrently from many tasks). Requests carry the admin test key unless told otherwise.
public struct APIClient: Sendable {
    public let port: Int
    public var apiKey: String? = TestAPIKeys.admin

    public init(port: Int, apiKey: String? = TestAPIKeys.admin) {
        self.port = port
        self.apiKey = apiKey
    }

    /// The same server with another key (or none).
    public func with(key: String?) -> APIClient {
        APIClient(port: self.port, apiKey: key)
    }

    /// Sends a request; `json` is serialised as the body with `Content-Type: application/json`.
    public func send(
        _ method: String, _ path: String, json: Any? = nil, rawBody: [UInt8]? = nil,
        headers: [(String, String)] = []
    ) async throws -> APIResponse {
        var fields = headers
        if let key = self.apiKey { fields.append(("X-API-Key", key)) }
        var body: [UInt8] = rawBody ?? []
        if let json {
            body = Array(try JSONSerialization.data(withJSONObject: json, options: [.fragmentsAllowed]))
        }
        if json != nil || rawBody != nil, !fields.contains(where: { $0.0.lowercased() == "content-type" }) {
            fields.append(("Content-Type", "application/json"))
        }
        if body.isEmpty && (method == "POST" || method == "PATCH") {
            fields.append(("Content-Length", "0"))
        }
        let port = self.port
        let frozenFields = fields
        let frozenBody = body
        return try await withBlockingIO {
            let client = try RawHTTPClient(port: port, timeout: .seconds(15))
            defer { client.close() }
            let raw = try client.request(
                method, path, headers: frozenFields + [("Connection", "close")], body: frozenBody)
            return APIResponse(raw: raw)
        }
    }

    public func get(_ path: String, headers: [(String, String)] = []) async throws -> APIResponse {
        try await self.send("GET", path, headers: headers)
    }

    public func post(_ path: String, _ json: Any, headers: [(String, String)] = []) async throws -> APIResponse {
        try await self.send("POST", path, json: json, headers: headers)
    }

    public func patch(_ path: String, _ json: Any, headers: [(String, String)] = []) async throws -> APIResponse {
        try await self.send("PATCH", path, json: json, headers: headers)
    }

    public func delete(_ path: String, headers: [(String, String)] = []) async throws -> APIResponse {
        try await self.send("DELETE", path, headers: headers)
    }
}

/// A response with its body parsed as JSON when it is JSON.
public struct APIResponse: Sendable {
    public let raw: RawHTTPResponse

    public var status: Int { self.raw.status }
    public var body: String { self.raw.body }
    public subscript(header name: String) -> String? { self.raw[header: name] }

    /// The body as a JSON object; empty when it is not one.
    public var object: [String: Any] {
        guard let data = self.raw.body.data(using: .utf8),
            let value = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return [:] }
        return value
    }

    /// A string member of the body object.
    public func string(_ key: String) -> String? { self.object[key] as? String }
    /// An integer member of the body object.
    public func int(_ key: String) -> Int? { (self.object[key] as? NSNumber)?.intValue }
    /// The `data` array of a list body.
    public var items: [[String: Any]] {
        ((self.object["data"] as? [Any]) ?? []).compactMap { $0 as? [String: Any] }
    }
    /// The `next` link of a list body.
    public var next: String? { self.object["next"] as? String }
    /// The `field` names of a problem's `errors`.
    public var errorFields: [String] {
        ((self.object["errors"] as? [Any]) ?? []).compactMap { ($0 as? [String: Any])?["field"] as? String }
    }
}
