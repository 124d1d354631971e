import CoreMetrics
import Synchronization

/// A metrics backend that keeps every value in memory, keyed by label and sorted dimensions.
/// MetricsTestKit is not a dependency of this target; this is the little of it the tests need.
final class RecordingMetrics: MetricsFactory {
    private let storage = Storage()

    /// The current value of a counter, meter or last recorded value; 0 when never touched.
    func value(_ label: String, _ dimensions: [(String, String)] = []) -> Double {
        self.storage.values.withLock { $0[Self.key(label, dimensions)] ?? 0 }
    }

    static func key(_ label: String, _ dimensions: [(String, String)]) -> String {
        ([label] + dimensions.sorted { $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }).joined(separator: ",")
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        Handler(key: Self.key(label, dimensions), storage: self.storage)
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        Handler(key: Self.key(label, dimensions), storage: self.storage)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        Handler(key: Self.key(label, dimensions), storage: self.storage)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        Handler(key: Self.key(label, dimensions), storage: self.storage)
    }

    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyMeter(_ handler: any MeterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}

    private final class Storage: Sendable {
        let values = Mutex<[String: Double]>([:])
    }

    private final class Handler: CounterHandler, MeterHandler, RecorderHandler, TimerHandler {
        let key: String
        let storage: Storage

        init(key: String, storage: Storage) {
            self.key = key
            self.storage = storage
        }

        private func update(_ change: (inout Double) -> Void) {
            self.storage.values.withLock { change(&$0[self.key, default: 0]) }
        }

        func increment(by amount: Int64) { self.update { $0 += Double(amount) } }
        func increment(by amount: Double) { self.update { $0 += amount } }
        func decrement(by amount: Double) { self.update { $0 -= amount } }
        func reset() { self.update { $0 = 0 } }
        func set(_ value: Int64) { self.update { $0 = Double(value) } }
        func set(_ value: Double) { self.update { $0 = value } }
        func record(_ value: Int64) { self.update { $0 = Double(value) } }
        func record(_ value: Double) { self.update { $0 = value } }
        func recordNanoseconds(_ duration: Int64) { self.update { $0 = Double(duration) } }
    }
}
