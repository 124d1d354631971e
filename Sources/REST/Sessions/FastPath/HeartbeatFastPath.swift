import Core
import Foundation
import HTTPTypes
import Metrics
import NIOCore
import NIOHTTP1
import Storage
import Synchronization

/// What the heartbeat fast path needs to answer a heartbeat as the router would: the key ring, the
/// rate limiter, the storage gate and the session coordinator.
///
/// Why it exists: a heartbeat through Hummingbird's async responder costs about 130 µs of a core on
/// the benchmark machine, most of it task switches and async-sequence machinery around a request that
/// does one dictionary update; 100,000 sessions beating every 5 s need 20,000 of them a second. The
/// fast path answers a heartbeat of a session the store already holds on the event loop that read
/// it, with the same status and fields; everything else (unknown or ended sessions, bad keys, CORS,
/// rate-limit refusals) still goes through the router, which stays the one place that defines the
/// route.
final class HeartbeatFastPath: Sendable {
    let coordinator: SessionCoordinator
    let keyRing: APIKeyRing
    let rateLimit: RateLimitMiddleware
    let storageGate: StorageGate
    let serverName: String
    let requests: Counter
    let durations: Metrics.Timer
    /// One for the server, not one per connection: a console's connection beats once every 5 s,
    /// so a per-connection cache would format the date for nearly every beat. The lock is
    /// uncontended on one event loop and held for a load and compare.
    private let date = Mutex(HTTPDateCache())

    init(
        coordinator: SessionCoordinator, keyRing: APIKeyRing, rateLimit: RateLimitMiddleware, storageGate: StorageGate,
        serverName: String
    ) {
        self.coordinator = coordinator
        self.keyRing = keyRing
        self.rateLimit = rateLimit
        self.storageGate = storageGate
        self.serverName = serverName
        // The same series Hummingbird's MetricsMiddleware records for the routed heartbeat.
        let dimensions = [
            ("http.route", SessionRoutes.heartbeatPath), ("http.request.method", "POST"),
            ("http.response.status_code", "204"),
        ]
        self.requests = Counter(label: "hb.requests", dimensions: dimensions)
        self.durations = Metrics.Timer(
            label: "http.server.request.duration", dimensions: dimensions, preferredDisplayUnit: .seconds)
    }

    /// The heartbeat `head` asks for, when the fast path may answer it. `knownKey` is the
    /// connection's last key and its caller: a console sends the same key every time, and the key
    /// ring never changes while the server runs, so the HMAC of the key is worked out once.
    func candidate(_ head: HTTPRequestHead, knownKey: inout KnownKey?) -> HeartbeatCandidate? {
        guard head.method == .POST, head.version == .http1_1, self.storageGate.isOpen,
            let sessionID = Self.sessionID(inHeartbeatPath: head.uri),
            let key = Self.apiKey(ofBodilessRequest: head.headers)
        else { return nil }
        let caller: Caller
        if let knownKey, knownKey.key == key {
            caller = knownKey.caller
        } else {
            guard let found = self.keyRing.caller(for: key) else { return nil }
            knownKey = KnownKey(key: key, caller: found)
            caller = found
        }
        return HeartbeatCandidate(head: head, sessionID: sessionID, caller: caller)
    }

    /// The 204 to send, or `nil` when the router must answer.
    func answer(_ candidate: HeartbeatCandidate) -> HTTPResponseHead? {
        self.rateLimit.admit(candidate.caller) { rateLimitFields in
            guard self.coordinator.acceptKnownHeartbeat(id: candidate.sessionID, at: .now()) else { return nil }
            // The fields the router's middleware adds to a heartbeat without `Origin`.
            var headers = HTTPHeaders()
            headers.reserveCapacity(rateLimitFields.count + 3)
            for field in rateLimitFields { headers.add(name: field.name.rawName, value: field.value) }
            headers.add(name: "Vary", value: "Origin")
            headers.add(name: "Date", value: self.date.withLock { $0.now() })
            headers.add(name: "Server", value: self.serverName)
            return HTTPResponseHead(version: .http1_1, status: .noContent, headers: headers)
        }
    }

    /// Counts an answer sent, and how long it took from its head's arrival.
    func answered(since start: NIODeadline) {
        self.requests.increment()
        self.durations.recordNanoseconds(Int64((NIODeadline.now() - start).nanoseconds))
    }

    /// The API key of a request the router would treat as a plain heartbeat, in one pass over the
    /// fields: `nil` when there is none, more than one, or anything else the router treats
    /// differently (a body, `Origin` for CORS, an idempotency key).
    static func apiKey(ofBodilessRequest headers: HTTPHeaders) -> String? {
        var key: String?
        for (name, value) in headers {
            if name.isASCIICaseInsensitive(Self.apiKeyName) {
                guard key == nil, !value.isEmpty else { return nil }
                key = value
            } else if name.isASCIICaseInsensitive(Self.contentLength) {
                guard value == "0" else { return nil }
            } else if name.isASCIICaseInsensitive(Self.origin) || name.isASCIICaseInsensitive(Self.idempotencyKey)
                || name.isASCIICaseInsensitive(Self.transferEncoding)
            {
                return nil
            }
        }
        return key
    }

    private static let origin = HTTPField.Name.origin.canonicalName
    private static let apiKeyName = APIKeyMiddleware.headerName.canonicalName
    private static let contentLength = HTTPField.Name.contentLength.canonicalName
    private static let idempotencyKey = IdempotencyMiddleware.header.canonicalName
    private static let transferEncoding = HTTPField.Name.transferEncoding.canonicalName

    /// `ses_...` out of `/v1/sessions/ses_.../heartbeat`; `nil` for any other path, a query
    /// included (the router ignores it, so a request with one simply takes the ordinary way).
    /// Works on the UTF-8 bytes: `String`'s own prefix and suffix tests walk grapheme clusters,
    /// which cost more than the rest of the answer.
    static func sessionID(inHeartbeatPath path: String) -> String? {
        let bytes = path.utf8
        let prefix = "/v1/sessions/".utf8
        let suffix = "/heartbeat".utf8
        guard bytes.count > prefix.count + suffix.count, bytes.starts(with: prefix) else { return nil }
        let start = bytes.index(bytes.startIndex, offsetBy: prefix.count)
        let end = bytes.index(bytes.endIndex, offsetBy: -suffix.count)
        guard bytes[end...].elementsEqual(suffix) else { return nil }
        let id = String(Substring(bytes[start..<end]))
        return ResourceID.isWellFormed(id, prefix: "ses") ? id : nil
    }
}

/// An API key a connection used, and whom it names.
struct KnownKey {
    var key: String
    var caller: Caller
}

extension String {
    /// Equal to `lowercase` (an ASCII, lowercase field name) ignoring ASCII case.
    fileprivate func isASCIICaseInsensitive(_ lowercase: String) -> Bool {
        self.utf8.count == lowercase.utf8.count
            && self.utf8.elementsEqual(lowercase.utf8) { byte, expected in
                byte == expected || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") && byte | 0x20 == expected)
            }
    }
}
