import Foundation
import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The CPU time of a process, from Linux's `/proc/PID/stat` (user + system, in clock ticks).
public enum ProcessCPU {
    /// `utime + stime` of `pid` in clock ticks, or `nil` when the process is gone or the file is not there.
    public static func ticks(pid: Int32) -> UInt64? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return nil }
        return self.ticks(stat: stat)
    }

    /// `utime + stime` from the text of a stat file: fields 14 and 15, counted after the command
    /// name, which is in parentheses and may itself hold spaces and parentheses.
    public static func ticks(stat: String) -> UInt64? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        // Field 3 (state) is the first after the name, so utime (14) is the 12th and stime the 13th.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count >= 13, let user = UInt64(fields[11]), let system = UInt64(fields[12]) else { return nil }
        return user + system
    }

    /// Clock ticks per second (`sysconf(_SC_CLK_TCK)`, 100 on Linux).
    public static let ticksPerSecond: Double = {
        #if canImport(Glibc)
            let value = sysconf(Int32(_SC_CLK_TCK))
        #else
            let value = sysconf(_SC_CLK_TCK)
        #endif
        return value > 0 ? Double(value) : 100
    }()
}

/// One reading of a process's CPU time, and when it was taken.
struct CPUSample: Sendable, Equatable {
    var ticks: UInt64
    var uptimeNanoseconds: UInt64

    init(ticks: UInt64, uptimeNanoseconds: UInt64) {
        self.ticks = ticks
        self.uptimeNanoseconds = uptimeNanoseconds
    }

    /// Reads `pid` now.
    init?(pid: Int32) {
        guard let ticks = ProcessCPU.ticks(pid: pid) else { return nil }
        self.init(ticks: ticks, uptimeNanoseconds: NIODeadline.now().uptimeNanoseconds)
    }

    /// Reads this process now.
    static func ofThisProcess() -> Self? {
        Self(pid: getpid())
    }

    /// CPU seconds used between two samples.
    func seconds(since earlier: Self, ticksPerSecond: Double = ProcessCPU.ticksPerSecond) -> Double {
        Double(self.ticks &- earlier.ticks) / ticksPerSecond
    }

    /// Percent of one core used between two samples (100 = one core busy all the time).
    func percent(since earlier: Self, ticksPerSecond: Double = ProcessCPU.ticksPerSecond) -> Double? {
        guard self.uptimeNanoseconds > earlier.uptimeNanoseconds, self.ticks >= earlier.ticks else { return nil }
        let wall = Double(self.uptimeNanoseconds - earlier.uptimeNanoseconds) / 1e9
        return self.seconds(since: earlier, ticksPerSecond: ticksPerSecond) / wall * 100
    }
}
