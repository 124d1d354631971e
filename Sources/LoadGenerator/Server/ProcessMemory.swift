import Foundation

/// The resident memory of a process, from Linux's `/proc/PID/status`.
public enum ProcessMemory {
    /// `VmRSS` in KiB, or `nil` when the process is gone or the file is not there.
    public static func residentKiB(pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        return self.residentKiB(status: status)
    }

    /// `VmRSS` in KiB from the text of a status file.
    public static func residentKiB(status: String) -> Int? {
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            // "VmRSS:	   12345 kB"
            let fields = line.dropFirst(6).split(whereSeparator: { $0 == " " || $0 == "\t" })
            return fields.first.flatMap { Int($0) }
        }
        return nil
    }
}

/// Peak and last samples of a process's resident memory.
struct MemorySamples: Sendable {
    let pid: Int32
    private(set) var start: Int?
    private(set) var peak: Int?
    private(set) var last: Int?

    init(pid: Int32) {
        self.pid = pid
        self.start = ProcessMemory.residentKiB(pid: pid)
        self.peak = self.start
        self.last = self.start
    }

    /// Takes a sample and returns it.
    @discardableResult
    mutating func sample() -> Int? {
        guard let value = ProcessMemory.residentKiB(pid: self.pid) else { return nil }
        self.last = value
        self.peak = max(self.peak ?? value, value)
        return value
    }
}
