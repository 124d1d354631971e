import Foundation

/// Each CPU's stolen and total time, from Linux's `/proc/stat`: the time a hypervisor ran something
/// else while this VM's CPU wanted to run. A server whose core is taken away for milliseconds
/// answers late without being busy; a progress line that shows the steal tells such a second from a
/// slow server.
struct CPUStealSample: Sendable, Equatable {
    struct Ticks: Sendable, Equatable {
        var steal: UInt64
        var total: UInt64
    }

    /// Per CPU, in the order `/proc/stat` lists them (`cpu0`, `cpu1`, ...).
    var cpus: [Ticks]

    /// The `cpuN` lines of a `/proc/stat` text; `nil` when there are none. The fields after the
    /// name are user, nice, system, idle, iowait, irq, softirq and steal (then guest time, which
    /// user time already counts); a kernel too old to report steal gives 0.
    init?(stat: String) {
        var cpus: [Ticks] = []
        for line in stat.split(separator: "\n") where line.hasPrefix("cpu") {
            let fields = line.split(separator: " ")
            guard let name = fields.first, name.count > 3 else { continue }  // "cpu" is the sum of all
            let values = fields.dropFirst().prefix(8).compactMap { UInt64($0) }
            guard values.count >= 4 else { return nil }
            cpus.append(Ticks(steal: values.count >= 8 ? values[7] : 0, total: values.reduce(0, +)))
        }
        guard !cpus.isEmpty else { return nil }
        self.cpus = cpus
    }

    /// Reads `/proc/stat` now.
    static func now() -> Self? {
        (try? String(contentsOfFile: "/proc/stat", encoding: .utf8)).flatMap(Self.init(stat:))
    }

    /// Percent of each CPU's time stolen between two samples; `nil` when they do not list the same
    /// CPUs or no time passed.
    func stealPercents(since earlier: Self) -> [Double]? {
        guard self.cpus.count == earlier.cpus.count else { return nil }
        var percents: [Double] = []
        for (now, then) in zip(self.cpus, earlier.cpus) {
            guard now.total > then.total, now.steal >= then.steal else { return nil }
            percents.append(Double(now.steal - then.steal) / Double(now.total - then.total) * 100)
        }
        return percents
    }
}
