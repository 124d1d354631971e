/// One component's answer to "can this instance take traffic?", shown by `GET /ready`.
public struct ReadinessReport: Sendable, Hashable {
    public var isReady: Bool
    /// A short human-readable status, never a secret: "ok", "draining", "not writable: ...".
    public var detail: String

    public init(isReady: Bool, detail: String) {
        self.isReady = isReady
        self.detail = detail
    }

    public static let ok = ReadinessReport(isReady: true, detail: "ok")
}

/// A component that can say whether it is ready. Each module contributes its own checks; `/ready`
/// runs them all and answers 503 when any is not ready.
public protocol ReadinessCheck: Sendable {
    /// A stable name used as the key in the `/ready` body, e.g. `data_dir`.
    var name: String { get }
    func check() async -> ReadinessReport
}
