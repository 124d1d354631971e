public import Core
public import HTTPTypes
public import Hummingbird
public import NIOCore

extension ProblemDetails: ResponseGenerator {
    /// The problem as an `application/problem+json` response with its status.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        self.response(headers: [:])
    }

    /// The problem as a Hummingbird response, with extra headers (`Retry-After`, `Allow`, ...).
    public func response(headers: HTTPFields) -> Response {
        let (head, body) = self.httpResponse(headers: headers)
        return Response(status: head.status, headers: head.headerFields, body: .init(byteBuffer: body))
    }

    /// Head and body of the problem response: the one place every problem answer is built, whether
    /// it goes out through the router or straight onto a refused upgrade's channel.
    public func httpResponse(headers: HTTPFields) -> (head: HTTPResponse, body: ByteBuffer) {
        // Encoding a struct of strings and an integer cannot fail.
        let body = (try? JSONBody.encode(self)) ?? ByteBuffer()
        var fields = headers
        fields[.contentType] = ProblemDetails.mediaType
        fields[.contentLength] = String(body.readableBytes)
        return (HTTPResponse(status: .init(code: self.status), headerFields: fields), body)
    }
}
