public import Core
public import NIOCore

/// Ready when every event loop runs a task within the limit: a blocked loop stalls every socket on
/// it, which no other check would notice.
public struct EventLoopCheck: ReadinessCheck {
    public let name = "event_loops"
    private let group: any EventLoopGroup
    private let limit: Duration

    public init(group: any EventLoopGroup, limit: Duration = .milliseconds(250)) {
        self.group = group
        self.limit = limit
    }

    public func check() async -> ReadinessReport {
        let clock = ContinuousClock()
        var slowest = Duration.zero
        for loop in self.group.makeIterator() {
            let started = clock.now
            let answered = await withTaskGroup(of: Bool.self) { tasks in
                tasks.addTask {
                    (try? await loop.submit {}.get()) != nil
                }
                tasks.addTask {
                    try? await Task.sleep(for: self.limit)
                    return false
                }
                let first = await tasks.next() ?? false
                tasks.cancelAll()
                return first
            }
            guard answered else {
                return ReadinessReport(isReady: false, detail: "an event loop did not answer within \(self.limit)")
            }
            slowest = max(slowest, clock.now - started)
        }
        let microseconds = slowest.components.seconds * 1_000_000 + slowest.components.attoseconds / 1_000_000_000_000
        return ReadinessReport(isReady: true, detail: "ok, slowest answer \(microseconds) µs")
    }
}
