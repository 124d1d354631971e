import Core
import Foundation
import HTTPTypes
import Metrics
import Storage

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
struct HeartbeatFastPath: Sendable {
    let coordinator: SessionCoordinator
    let keyRing: APIKeyRing
    let rateLimit: RateLimitMiddleware
    let storageGate: StorageGate
    let serverName: String
    let requests: Counter
    let durations: Metrics.Timer

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

    /// The heartbeat `head` asks for, when the fast path may answer it.
    func candidate(_ head: HTTPRequest) -> HeartbeatCandidate? {
        guard head.method == .post, let path = head.path, self.storageGate.isOpen,
            let sessionID = Self.sessionID(inHeartbeatPath: path),
            head.headerFields[.origin] == nil, head.headerFields[IdempotencyMiddleware.header] == nil,
            head.headerFields[.transferEncoding] == nil,
            head.headerFields[.contentLength] == nil || head.headerFields[.contentLength] == "0",
            let key = head.headerFields[APIKeyMiddleware.headerName], !key.isEmpty,
            let caller = self.keyRing.caller(for: key)
        else { return nil }
        let closes = head.headerFields[.connection]?.lowercased().contains("close") == true
        return HeartbeatCandidate(head: head, sessionID: sessionID, caller: caller, closesConnection: closes)
    }

    /// The 204 to send, or `nil` when the router must answer.
    func answer(_ candidate: HeartbeatCandidate, date: String) -> HTTPResponse? {
        self.rateLimit.admit(candidate.caller) { rateLimitFields in
            guard self.coordinator.acceptKnownHeartbeat(id: candidate.sessionID, at: .now()) else { return nil }
            var fields = rateLimitFields
            fields[.vary] = "Origin"
            fields[.date] = date
            fields[.server] = self.serverName
            return HTTPResponse(status: .noContent, headerFields: fields)
        }
    }

    /// `ses_...` out of `/v1/sessions/ses_.../heartbeat`; `nil` for any other path, a query
    /// included (the router ignores it, so a request with one simply takes the ordinary way).
    static func sessionID(inHeartbeatPath path: String) -> String? {
        let prefix = "/v1/sessions/"
        let suffix = "/heartbeat"
        guard path.hasPrefix(prefix), path.hasSuffix(suffix), path.utf8.count > prefix.utf8.count + suffix.utf8.count
        else { return nil }
        let id = String(path.dropFirst(prefix.count).dropLast(suffix.count))
        return ResourceID.isWellFormed(id, prefix: "ses") ? id : nil
    }
}
