import Core

/// The `Date` field value, formatted at most once a second: answers written on an event loop should
/// not format a date each. Shared by the fast path's answers under one lock (``HeartbeatFastPath``).
struct HTTPDateCache {
    private var second: Int64 = .min
    private var value = ""

    mutating func now() -> String {
        let now = Timestamp.now()
        let second = now.microseconds / 1_000_000
        if second != self.second {
            self.second = second
            self.value = now.httpDate
        }
        return self.value
    }
}
