import Core
import Foundation
import HTTPTypes
import Metrics
import NIOCore
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
/// route. It reads the request's bytes and writes the answer's (``HeartbeatFastPathHandler``):
/// with the answer moved out of the router, NIO's HTTP/1 decoding and encoding of the head were
/// the largest share of what was left.
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
    func candidate(_ head: HTTPRequestHeadBytes, knownKey: inout KnownKey?) -> HeartbeatCandidate? {
        guard head.method == .post, head.isHTTP11, head.contentLength == 0, self.storageGate.isOpen else { return nil }
        return head.withUnsafeBytes { raw -> HeartbeatCandidate? in
            guard let sessionID = Self.sessionID(inHeartbeatPath: raw, head.target),
                let key = Self.apiKey(ofPlainHeartbeat: head, raw)
            else { return nil }
            if let knownKey, HTTPRequestHeadBytes.equals(raw, key, knownKey.key) {
                return HeartbeatCandidate(sessionID: sessionID, caller: knownKey.caller)
            }
            let presented = String(decoding: UnsafeRawBufferPointer(rebasing: raw[key]), as: UTF8.self)
            guard let caller = self.keyRing.caller(for: presented) else { return nil }
            knownKey = KnownKey(key: presented, caller: caller)
            return HeartbeatCandidate(sessionID: sessionID, caller: caller)
        }
    }

    /// The whole 204 to send, or `nil` when the router must answer.
    func answer(_ candidate: HeartbeatCandidate, allocator: ByteBufferAllocator) -> ByteBuffer? {
        self.rateLimit.admit(candidate.caller) { rateLimitFields in
            guard self.coordinator.acceptKnownHeartbeat(id: candidate.sessionID, at: .now()) else { return nil }
            // The fields the router's middleware adds to a heartbeat without `Origin`, as NIO's
            // encoder writes them.
            var response = allocator.buffer(capacity: 256)
            response.writeStaticString("HTTP/1.1 204 No Content\r\n")
            for field in rateLimitFields { Self.write(field.name.rawName, field.value, into: &response) }
            response.writeStaticString("Vary: Origin\r\n")
            Self.write("Date", self.date.withLock { $0.now() }, into: &response)
            Self.write("Server", self.serverName, into: &response)
            response.writeStaticString("\r\n")
            return response
        }
    }

    private static func write(_ name: String, _ value: String, into buffer: inout ByteBuffer) {
        buffer.writeString(name)
        buffer.writeStaticString(": ")
        buffer.writeString(value)
        buffer.writeStaticString("\r\n")
    }

    /// Counts an answer sent, and how long it took from its head's arrival.
    func answered(since start: NIODeadline) {
        self.requests.increment()
        self.durations.recordNanoseconds(Int64((NIODeadline.now() - start).nanoseconds))
    }

    /// Where the API key of a request the router would treat as a plain heartbeat is, in one pass
    /// over the fields: `nil` when there is none, more than one, or anything else the router or
    /// the connection treats differently (`Origin` for CORS, an idempotency key, `Expect`, or a
    /// `Connection` other than `keep-alive`). The framer has ruled out bodies and upgrades.
    static func apiKey(ofPlainHeartbeat head: HTTPRequestHeadBytes, _ raw: UnsafeRawBufferPointer) -> Range<Int>? {
        var key: Range<Int>?
        var plain = true
        head.forEachField(in: raw) { name, value in
            if HTTPRequestHeadBytes.equalsIgnoringCase(raw, name, "x-api-key") {
                guard key == nil, !value.isEmpty else {
                    plain = false
                    return false
                }
                key = value
            } else if HTTPRequestHeadBytes.equalsIgnoringCase(raw, name, "connection") {
                guard HTTPRequestHeadBytes.equalsIgnoringCase(raw, value, "keep-alive") else {
                    plain = false
                    return false
                }
            } else if HTTPRequestHeadBytes.equalsIgnoringCase(raw, name, "origin")
                || HTTPRequestHeadBytes.equalsIgnoringCase(raw, name, "idempotency-key")
                || HTTPRequestHeadBytes.equalsIgnoringCase(raw, name, "expect")
            {
                plain = false
                return false
            }
            return true
        }
        return plain ? key : nil
    }

    /// `ses_...` out of `/v1/sessions/ses_.../heartbeat` at `target`; `nil` for any other path, a
    /// query included (the router ignores it, so a request with one simply takes the ordinary way).
    static func sessionID(inHeartbeatPath raw: UnsafeRawBufferPointer, _ target: Range<Int>) -> String? {
        let prefix = "/v1/sessions/".utf8
        let suffix = "/heartbeat".utf8
        let path = raw[target]
        guard path.count > prefix.count + suffix.count, path.starts(with: prefix),
            path.suffix(suffix.count).elementsEqual(suffix)
        else { return nil }
        let id = UnsafeRawBufferPointer(
            rebasing: raw[(target.lowerBound + prefix.count)..<(target.upperBound - suffix.count)])
        return ResourceID.isWellFormed(utf8: id, prefix: "ses") ? String(decoding: id, as: UTF8.self) : nil
    }
}

/// An API key a connection used, and whom it names.
struct KnownKey {
    var key: String
    var caller: Caller
}

/// A request that looks like `POST /v1/sessions/{id}/heartbeat` from a valid key, with nothing the
/// router would treat differently (no query, origin or idempotency key).
struct HeartbeatCandidate {
    var sessionID: String
    var caller: Caller
}
