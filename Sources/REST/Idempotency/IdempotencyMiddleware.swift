import Core
import HTTPTypes
import Hummingbird
import Logging
import Storage

/// `Idempotency-Key` on `POST` (draft-ietf-httpapi-idempotency-key-header): the first request with
/// a key runs and its answer is stored; a retry with the same key and body gets that answer again
/// (with `Idempotency-Replayed: true`), the same key with another body gets 422, and a retry while
/// the first is still running gets 409. Answers of 5xx are not kept, so a retry may succeed.
struct IdempotencyMiddleware: RouterMiddleware {
    typealias Context = SwitchboardRequestContext

    let store: IdempotencyStore
    let catalog: RouteCatalog
    static let header = HTTPField.Name("Idempotency-Key")!
    static let replayedHeader = HTTPField.Name("Idempotency-Replayed")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard request.method == .post, let key = request.headers[Self.header], let caller = context.caller else {
            return try await next(request, context)
        }
        guard (1...255).contains(key.utf8.count), key.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
        else {
            throw ProblemDetails(
                status: 400, title: "Bad Request",
                detail: "Idempotency-Key must be 1 to 255 printable ASCII characters without spaces")
        }
        var request = request
        let body = try await request.body.collect(upTo: RequestBody.maximumSize)
        request.body = .init(buffer: body)
        let hash = Self.fingerprint(request, body: body)

        switch try await self.store.claim(scope: caller.keyID, key: key, requestHash: hash) {
        case .replay(let stored):
            var headers = HTTPFields()
            for pair in stored.headers where pair.count == 2 {
                if let name = HTTPField.Name(pair[0]) { headers.append(HTTPField(name: name, value: pair[1])) }
            }
            headers[Self.replayedHeader] = "true"
            return Response(
                status: .init(code: stored.status), headers: headers,
                body: .init(byteBuffer: ByteBuffer(string: stored.body)))
        case .mismatch:
            throw ProblemDetails(
                status: 422, title: "Unprocessable Content",
                detail: "this Idempotency-Key was used with a different request; use a new key for a new request")
        case .inProgress:
            return ProblemDetails(
                status: 409, title: "Conflict",
                detail: "a request with this Idempotency-Key is still being processed; retry after it finishes"
            ).response(headers: [.retryAfter: "1"])
        case .claimed:
            break
        }

        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = ProblemMiddleware<Context>.response(
                for: error, request: request, context: context, catalog: self.catalog)
        }
        return try await self.finish(response, scope: caller.keyID, key: key, logger: context.logger)
    }

    /// Stores a final answer (or releases the key after a 5xx) and returns the answer to send.
    private func finish(_ response: Response, scope: String, key: String, logger: Logger) async throws -> Response {
        guard response.status.code < 500 else {
            try? await self.store.release(scope: scope, key: key)
            return response
        }
        var response = response
        let collector = BodyCollector()
        try await response.body.write(collector)
        let body = collector.buffer
        let headers = response.headers.map { ($0.name.canonicalName, $0.value) }
        do {
            try await self.store.complete(
                scope: scope, key: key,
                response: .init(status: Int(response.status.code), headers: headers, body: String(buffer: body)))
        } catch {
            // The change is committed; only the replay record is lost. Answer the client anyway.
            logger.error("Could not store the idempotent response", metadata: ["error": "\(error)"])
        }
        response.body = .init(byteBuffer: body)
        return response
    }

    /// Method, path and body: what must match for a retry to count as the same request.
    private static func fingerprint(_ request: Request, body: ByteBuffer) -> String {
        var bytes = Array("\(request.method.rawValue) \(request.uri.path)\n".utf8)
        bytes.append(contentsOf: body.readableBytesView)
        return SHA1Digest.hash(bytes).map {
            String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16)
        }.joined()
    }
}

/// Collects a response body that routes produced as one buffer (all CRM answers are small JSON).
private final class BodyCollector: ResponseBodyWriter {
    var buffer = ByteBuffer()

    func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        self.buffer.writeBuffer(&buffer)
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
