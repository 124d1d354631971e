import Benchmark
import NIOCore
import Redis

/// What one coalescing window costs the server before it reaches the socket: building and encoding
/// a `ZADD` of 2,000 heartbeats (a window's share at 8,000 beats/s; 20,000/s is two and a half
/// of them). No Redis, so the figures are the command's own work, and allocation counts are exact.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal],
        maxDuration: .seconds(3),
        maxIterations: 100_000
    )

    // Session ids as the API makes them: a prefix and 32 hex digits.
    let ids = (0..<2_000).map { index in "ses_" + String(repeating: "0", count: 28) + String(index, radix: 16) }
    let time: Int64 = 1_764_720_000_000_000

    // The arguments as text, the one way every command could be built before the byte-array
    // command; the same code runs before and after, so the two figures compare.
    Benchmark("ZADD of 2,000 heartbeats from Strings, encoded") { benchmark in
        for _ in benchmark.scaledIterations {
            var arguments = ["ZADD", "switchboard:sessions:alive", "XX", "GT", "CH"]
            arguments.reserveCapacity(5 + ids.count * 2)
            for id in ids {
                arguments.append(String(time))
                arguments.append(id)
            }
            var buffer = ByteBuffer()
            RedisCommand(arguments).encode(into: &buffer)
            blackHole(buffer)
        }
    }

    // The way the session store builds it now: scores written as digits in place.
    Benchmark("ZADD of 2,000 heartbeats appended in place, encoded") { benchmark in
        for _ in benchmark.scaledIterations {
            var command = RedisCommand(["ZADD", "switchboard:sessions:alive", "XX", "GT", "CH"])
            command.reserveCapacity(arguments: ids.count * 2, bytes: ids.count * 56)
            for id in ids {
                command.append(time)
                command.append(id)
            }
            var buffer = ByteBuffer()
            command.encode(into: &buffer)
            blackHole(buffer)
        }
    }
}
