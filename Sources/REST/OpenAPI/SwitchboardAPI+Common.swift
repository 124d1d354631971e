import Core
import HTTPTypes

extension SwitchboardAPI {
    /// The response headers, each described once in `components/headers`.
    enum Header {
        static let eTag = OpenAPIHeader(
            name: "ETag",
            summary: "The resource's version as a strong entity tag, e.g. `\"3\"`; send it in `If-Match`.",
            schema: .string(pattern: "^\"[0-9]+\"$"))
        static let location = OpenAPIHeader(
            name: "Location", summary: "The path of the resource just created.", schema: .string())
        static let link = OpenAPIHeader(
            name: "Link",
            summary: "`<next>; rel=\"next\"` (RFC 8288) when there is a next page; the same URL as `next`.",
            schema: .string())
        static let rateLimit = OpenAPIHeader(
            name: "RateLimit",
            summary:
                "Where this API key stands (draft-ietf-httpapi-ratelimit-headers): `\"default\";r=REMAINING;t=SECONDS` "
                + "until the bucket is full again. Sent when `RATE_LIMIT` is not 0.",
            schema: .string())
        static let rateLimitPolicy = OpenAPIHeader(
            name: "RateLimit-Policy",
            summary: "The limit: `\"default\";q=REQUESTS;w=60` (requests per minute, with bursts of the same size).",
            schema: .string())
        static let retryAfter = OpenAPIHeader(
            name: "Retry-After", summary: "Seconds to wait before retrying.", schema: .integer(minimum: 0))
        static let wwwAuthenticate = OpenAPIHeader(
            name: "WWW-Authenticate", summary: "Always `ApiKey header=\"X-API-Key\"`.", schema: .string())
        static let idempotencyReplayed = OpenAPIHeader(
            name: "Idempotency-Replayed",
            summary: "`true` when this is the stored answer to an earlier request with the same `Idempotency-Key`.",
            schema: .choice(["true"]))
        static let acceptRanges = OpenAPIHeader(
            name: "Accept-Ranges", summary: "Always `bytes`: the recording may be fetched in parts.",
            schema: .choice(["bytes"]))
        static let contentRange = OpenAPIHeader(
            name: "Content-Range", summary: "`bytes START-END/SIZE`, or `bytes */SIZE` on a 416.", schema: .string())
        static let contentDisposition = OpenAPIHeader(
            name: "Content-Disposition", summary: "`attachment; filename=\"CALLSID-STREAMSID.wav\"`.",
            schema: .string())

        static let all: [OpenAPIHeader] = [
            eTag, location, link, rateLimit, rateLimitPolicy, retryAfter, wwwAuthenticate, idempotencyReplayed,
            acceptRanges, contentRange, contentDisposition,
        ]
        /// Every answer to a request with a key carries these (when rate limiting is on).
        static let limits = [rateLimit, rateLimitPolicy]
    }

    enum Parameter {
        /// The `{id}` of a resource; a value that cannot be such an id is a 404 without a query.
        static func id(_ prefix: String, _ resource: String) -> OpenAPIParameter {
            OpenAPIParameter(
                name: "id", location: .path, required: true,
                summary: "The \(resource)'s id: `\(prefix)_` and 26 Crockford base32 characters.",
                schema: Schema.id(prefix))
        }

        static func query(_ name: String, _ schema: OpenAPISchema, _ summary: String) -> OpenAPIParameter {
            OpenAPIParameter(name: name, location: .query, summary: summary, schema: schema)
        }

        /// Another spelling of `name`; giving both is a 400 like giving one twice.
        static func alias(_ alias: String, of name: String, _ schema: OpenAPISchema) -> OpenAPIParameter {
            var parameter = OpenAPIParameter(
                name: alias, location: .query, summary: "Another spelling of `\(name)`; give one or the other.",
                schema: schema)
            parameter.aliasOf = name
            return parameter
        }

        /// A comma-separated list of an enumeration's values (`status=open,pending`): any of them.
        static func anyOf<T: RawRepresentable & CaseIterable>(_ name: String, _ type: T.Type, _ summary: String)
            -> OpenAPIParameter where T.RawValue == String
        {
            var parameter = OpenAPIParameter(
                name: name, location: .query, summary: summary + " A comma-separated list matches any of them.",
                schema: .array(of: .choice(type)))
            parameter.isCommaSeparated = true
            return parameter
        }

        /// `limit` and `cursor`, on every list.
        static let page: [OpenAPIParameter] = [
            query(
                "limit", OpenAPISchema.integer(minimum: 1, maximum: 200).withDefault(50),
                "Items per page."),
            query(
                "cursor", .string(maxLength: 400),
                "Where the previous page ended; take it from that page's `next` link, which keeps the other parameters."
                    + " A cursor made for another sort is a 400."),
        ]

        /// `sort` of the lists ordered by creation only.
        static func createdSort(ascendingByDefault: Bool = false) -> OpenAPIParameter {
            query(
                "sort",
                OpenAPISchema.choice(["created_at", "-created_at"])
                    .withDefault(ascendingByDefault ? "created_at" : "-created_at"),
                "Oldest first (`created_at`) or newest first (`-created_at`).")
        }

        static let idempotencyKey = OpenAPIParameter(
            name: "Idempotency-Key", location: .header,
            summary: "Makes the POST safe to retry (draft-ietf-httpapi-idempotency-key-header): a retry with the same"
                + " key and body gets the stored answer with `Idempotency-Replayed: true`; the same key with another"
                + " body gets 422; a retry while the first is running gets 409. Keys are per API key and kept 24 h;"
                + " 5xx answers are not kept.",
            schema: .string(minLength: 1, maxLength: 255, pattern: "^[!-~]+$"))

        static func ifMatch(required: Bool, _ summary: String) -> OpenAPIParameter {
            OpenAPIParameter(
                name: "If-Match", location: .header, required: required, summary: summary,
                schema: Self.entityTags)
        }

        /// `*`, or entity tags separated by commas. Weak tags (`W/"3"`) are allowed but never match,
        /// as the strong comparison of `If-Match` requires; a tag this server never made fails as stale.
        static var entityTags: OpenAPISchema {
            var schema = OpenAPISchema.string(pattern: #"^\s*(\*|(W/)?"[^"]*"(\s*,\s*(W/)?"[^"]*")*)\s*$"#)
            schema.patternSummary = "`*`, or `ETag` values separated by commas"
            return schema
        }

        static let ifNoneMatch = OpenAPIParameter(
            name: "If-None-Match", location: .header,
            summary: "An `ETag` from an earlier GET (weak tags and lists allowed, or `*`): 304 without a body when"
                + " the ticket is still at that version.",
            schema: .string())

        static let range = OpenAPIParameter(
            name: "Range", location: .header,
            summary: "One byte range (`bytes=START-END`, `bytes=START-` or `bytes=-LENGTH`): answered with 206.",
            schema: .string(pattern: "^bytes=([0-9]+-[0-9]*|-[0-9]+)$"))
    }

    enum Answer {
        static func json(_ status: Int, _ schema: String, _ summary: String, headers: [OpenAPIHeader] = [])
            -> OpenAPIResponse
        {
            OpenAPIResponse(
                status: status, summary: summary, content: [("application/json", .ref(schema))], headers: headers)
        }

        /// A `200` list page with its `Link` header.
        static func page(_ schema: String, _ summary: String) -> OpenAPIResponse {
            json(200, schema, summary, headers: [Header.link])
        }

        /// An `application/problem+json` answer, with the headers that status always carries.
        static func problem(_ status: Int, _ summary: String) -> OpenAPIResponse {
            var headers: [OpenAPIHeader] = []
            switch status {
            case 401: headers = [Header.wwwAuthenticate]
            case 412: headers = [Header.eTag]
            case 429, 503: headers = [Header.retryAfter]
            default: break
            }
            return OpenAPIResponse(
                status: status, summary: summary, content: [(ProblemDetails.mediaType, .ref("Problem"))],
                headers: headers)
        }

        static let badQuery = problem(
            400, "A query parameter is unknown, given twice or malformed; `errors` names each one and why.")
        static let badBody = problem(
            400,
            "The body is not a JSON object, or a field is unknown, of the wrong type, empty, too long or not one of"
                + " its values; `errors` names each field and why.")
        static let tooLarge = problem(413, "The body is larger than \(RequestBody.maximumSize / 1024) KiB.")
        static let unsupported = problem(415, "The body is not `application/json` (or another `application/*+json`).")
        static let idempotencyInProgress =
            "A request with this `Idempotency-Key` is still being processed (`Retry-After: 1`)."
        static let idempotencyMismatch = "This `Idempotency-Key` was used with a different request."
    }

    /// Adds what every operation behind the API key answers (401, 429, 503; 403 on admin routes), the
    /// `Idempotency-Key` header of a POST and the rate-limit headers, then orders the answers by status.
    /// - Parameter unavailable: what the 503 means for this operation.
    static func keyed(
        _ operation: OpenAPIOperation,
        unavailable: String = "The database is unavailable, overloaded or not migrated yet; retry shortly."
    ) -> OpenAPIOperation {
        var operation = operation
        var responses = operation.responses
        responses.append(Answer.problem(401, "No `X-API-Key`, or not a valid one."))
        if operation.access == .admin {
            responses.append(Answer.problem(403, "The key is an agent key; this route needs an admin key."))
        }
        responses.append(Answer.problem(429, "This API key is over `RATE_LIMIT` requests a minute."))
        responses.append(Answer.problem(503, unavailable))
        operation.responses = responses.sorted { $0.status < $1.status }.map { response in
            guard response.status != 401 else { return response }
            var response = response
            response.headers += Header.limits
            return response
        }
        if operation.method == .post {
            operation.parameters.append(Parameter.idempotencyKey)
            // A retry while the first request with the key runs is told when to come back.
            for index in operation.responses.indices where operation.responses[index].status == 409 {
                operation.responses[index].headers.insert(Header.retryAfter, at: 0)
            }
            for index in operation.responses.indices where (200..<300).contains(operation.responses[index].status) {
                operation.responses[index].headers.append(Header.idempotencyReplayed)
            }
        }
        return operation
    }
}
