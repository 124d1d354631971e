import CoreMetrics
import Synchronization

/// A metrics backend that adds up counters by label and drops everything else: the little the
/// tests read (how many writes a pipeline took).
final class CounterTotals: MetricsFactory {
    private let totals = Totals()

    /// The sum of every counter with this label, whatever its dimensions.
    subscript(label: String) -> Int64 {
        self.totals.values.withLock { $0[label, default: 0] }
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        Adder(label: label, totals: self.totals)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        NOOPMetricsHandler.instance
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        NOOPMetricsHandler.instance
    }

    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}

    private final class Totals: Sendable {
        let values = Mutex<[String: Int64]>([:])
    }

    private final class Adder: CounterHandler {
        let label: String
        let totals: Totals

        init(label: String, totals: Totals) {
            self.label = label
            self.totals = totals
        }

        func increment(by amount: Int64) {
            self.totals.values.withLock { $0[self.label, default: 0] += amount }
        }

        func reset() {
            self.totals.values.withLock { $0[self.label] = 0 }
        }
    }
}
