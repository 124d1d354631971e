public import Core
import Foundation
public import Hummingbird

extension ProblemDetails: ResponseGenerator {
    /// The problem as an `application/problem+json` response with its status.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        self.response(headers: [:])
    }

    /// The problem as a response, with extra headers (`Retry-After`, `Allow`, ...).
    public func response(headers: HTTPFields) -> Response {
        var fields = headers
        fields[.contentType] = ProblemDetails.mediaType
        let body = ByteBuffer(bytes: self.jsonBytes())
        return Response(status: HTTPResponse.Status(code: self.status), headers: fields, body: .init(byteBuffer: body))
    }

    /// The JSON body. Encoding a struct of strings and an integer cannot fail.
    public func jsonBytes() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(self)) ?? Data())
    }
}
