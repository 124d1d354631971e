#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Waits for libpq's socket with poll(2). libpq's own blocking calls wait without a bound (a frozen
/// server would hold a pool thread forever), so every wait goes through here with a deadline.
enum PostgresSocket {
    /// Whether `socket` became ready for `events` (`POLLIN`, `POLLOUT`) before `deadline`. An error
    /// or hang-up counts as ready: the next libpq call on the socket reports it.
    static func wait(_ socket: Int32, for events: Int32, until deadline: ContinuousClock.Instant) -> Bool {
        guard socket >= 0 else { return true }
        while true {
            let remaining = deadline - .now
            var descriptor = pollfd(fd: socket, events: Int16(events), revents: 0)
            let ready = poll(&descriptor, 1, Self.milliseconds(remaining))
            if ready > 0 { return true }
            if ready < 0 && errno != EINTR { return true }
            // Rounding to whole milliseconds may wake a little early; only the clock decides.
            if ready == 0 && ContinuousClock.now >= deadline { return false }
        }
    }

    /// `duration` rounded up to whole milliseconds, clamped to what poll(2) takes.
    static func milliseconds(_ duration: Duration) -> Int32 {
        guard duration > .zero else { return 0 }
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: milliseconds)
    }
}
