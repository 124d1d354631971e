#if canImport(Glibc)
    import Glibc
#endif

/// Spins until the calling thread has had `duration` of CPU time, not of the wall clock: on a
/// loaded machine the thread may wait for a CPU part of the time, and loop probes leave that out.
public func spinOnTheCPU(for duration: Duration) {
    func threadCPUTime() -> Duration {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return .seconds(time.tv_sec) + .nanoseconds(time.tv_nsec)
    }
    let end = threadCPUTime() + duration
    while threadCPUTime() < end {}
}
