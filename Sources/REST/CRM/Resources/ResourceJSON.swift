import Core
import Foundation
import HTTPTypes
import Hummingbird
import Storage

/// How CRM resources are sent: one JSON object each, from ``JSONWritable``.
enum ResourceJSON {
    static func encode(_ value: some JSONWritable) -> ByteBuffer {
        var writer = JSONWriter()
        value.write(to: &writer)
        return writer.buffer
    }

    static func text(_ value: some JSONWritable) -> String {
        String(buffer: self.encode(value))
    }

    /// A JSON response with the resource and any extra headers (ETag, Location).
    static func response(
        _ value: some JSONWritable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]
    ) throws -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: self.encode(value)))
    }
}

/// A page of a list: the items and the URL of the next page (`null` on the last).
struct ListBody<Item: JSONWritable>: JSONWritable {
    var data: [Item]
    var next: String?

    func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("data", self.data)
            json.field("next", self.next)
        }
    }
}

extension ListBody {
    /// The page as a response, with `next` built from the request's own query and the new cursor,
    /// and the same link in a `Link` header (RFC 8288).
    static func response(_ items: [Item], nextCursor: String?, request: Request) throws -> Response {
        let next = nextCursor.map { Self.nextLink(request, cursor: $0) }
        var headers: HTTPFields = [:]
        if let next { headers[HTTPField.Name("Link")!] = "<\(next)>; rel=\"next\"" }
        return try ResourceJSON.response(ListBody(data: items, next: next), headers: headers)
    }

    private static func nextLink(_ request: Request, cursor: String) -> String {
        var parts: [String] = []
        for (name, value) in request.uri.queryParameters where name != "cursor" {
            parts.append(Self.escape(String(name)) + "=" + Self.escape(String(value)))
        }
        parts.append("cursor=" + cursor)
        return request.uri.path + "?" + parts.joined(separator: "&")
    }

    private static func escape(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~,")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
