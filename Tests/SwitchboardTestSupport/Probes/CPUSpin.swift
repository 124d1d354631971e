import Core

/// Spins until the calling thread has had `duration` of CPU time, not of the wall clock: on a
/// loaded machine the thread may wait for a CPU part of the time, and loop probes leave that out.
/// The time is the scheduler's own (`ThreadScheduling`), the one those probes subtract from. It is
/// brought up to date at each scheduler tick, so the spin may run a tick long. Where the kernel does
/// not give that time, the spin falls back to the wall clock.
public func spinOnTheCPU(for duration: Duration) {
    guard let start = ThreadScheduling.timesOfCurrentThread()?.onCPUNanoseconds else {
        let end = ContinuousClock.now + duration
        while ContinuousClock.now < end {}
        return
    }
    let end = start + duration.microseconds * 1000
    while (ThreadScheduling.timesOfCurrentThread()?.onCPUNanoseconds ?? .max) < end {}
}
