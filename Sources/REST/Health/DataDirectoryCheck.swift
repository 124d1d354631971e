public import Core
import Foundation

/// Ready when the data directory exists and accepts a new file: the embedded database and generated
/// keys live there, so a read-only or vanished directory means lost writes.
public struct DataDirectoryCheck: ReadinessCheck {
    public let name = "data_dir"
    private let path: String

    public init(path: String) {
        self.path = path
    }

    public func check() async -> ReadinessReport {
        let probe = URL(fileURLWithPath: self.path).appendingPathComponent(
            ".ready-\(UInt64.random(in: 0...UInt64.max))")
        do {
            try Data().write(to: probe)
            try FileManager.default.removeItem(at: probe)
            return .ok
        } catch {
            return ReadinessReport(isReady: false, detail: "not writable: \(self.path)")
        }
    }
}
