#if canImport(Glibc)
    import Glibc
#endif

/// What Linux's scheduler says about one thread: its time on a CPU, and its time runnable but
/// waiting for one (`schedstat`), in total since the thread started. Telling waiting apart from the
/// rest of a delay separates a thread that is blocked or busy (its own fault) from a machine, or a
/// container's CPU quota, short of CPU for every thread alike. `nil` where the kernel does not say.
public enum ThreadScheduling {
    public struct Times: Sendable, Hashable {
        public var onCPUNanoseconds: Int64
        /// Brought up to date each time the thread gets a CPU: a thread waiting now shows the
        /// waits before this one only.
        public var waitingNanoseconds: Int64
    }

    /// The calling thread's kernel thread id: `/proc/thread-self` links to `PID/task/TID` (Glibc
    /// does not export `gettid`, and `syscall` is variadic).
    public static func currentThreadID() -> Int32? {
        #if canImport(Glibc)
            self.withContents(ofLink: "/proc/thread-self") { target in
                let digits = target.lastIndex(of: UInt8(ascii: "/")).map { target[($0 + 1)...] } ?? target
                return Int32(String(decoding: digits, as: UTF8.self))
            }
        #else
            nil
        #endif
    }

    /// The calling thread's times; read into the stack, since loop probes call it on the event loop
    /// they measure.
    public static func timesOfCurrentThread() -> Times? {
        self.withContents(ofFile: "/proc/thread-self/schedstat", Self.times(in:))
    }

    /// The times of thread `id` of this process.
    public static func times(ofThread id: Int32) -> Times? {
        self.withContents(ofFile: "/proc/self/task/\(id)/schedstat", Self.times(in:))
    }

    /// Whether thread `id` is running or waiting for a CPU, rather than sleeping in a call (state
    /// `R` in its `stat`, the field after the parenthesised name).
    public static func isRunnable(thread id: Int32) -> Bool? {
        self.withContents(ofFile: "/proc/self/task/\(id)/stat") { text in
            guard let close = text.lastIndex(of: UInt8(ascii: ")")), close + 2 < text.endIndex else { return nil }
            return text[close + 2] == UInt8(ascii: "R")
        }
    }

    /// `schedstat`: on-CPU ns, waiting ns, timeslices.
    private static func times(in text: Slice<UnsafeMutableBufferPointer<UInt8>>) -> Times? {
        var first: Int64?
        var value: Int64 = 0
        var digits = 0
        for byte in text {
            if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                value = value &* 10 &+ Int64(byte - UInt8(ascii: "0"))
                digits += 1
                continue
            }
            guard digits > 0 else { return nil }
            guard let onCPU = first else {
                first = value
                value = 0
                digits = 0
                continue
            }
            return Times(onCPUNanoseconds: onCPU, waitingNanoseconds: value)
        }
        return nil
    }

    private static func withContents<Result>(
        ofFile path: String, _ body: (Slice<UnsafeMutableBufferPointer<UInt8>>) -> Result?
    ) -> Result? {
        #if canImport(Glibc)
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { return nil }
            defer { close(descriptor) }
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 512) { buffer -> Result? in
                let count = read(descriptor, buffer.baseAddress, buffer.count)
                return count > 0 ? body(buffer[..<count]) : nil
            }
        #else
            return nil
        #endif
    }

    private static func withContents<Result>(
        ofLink path: String, _ body: (Slice<UnsafeMutableBufferPointer<UInt8>>) -> Result?
    ) -> Result? {
        #if canImport(Glibc)
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { buffer -> Result? in
                guard let base = buffer.baseAddress else { return nil }
                let count = base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                    readlink(path, $0, buffer.count)
                }
                return count > 0 ? body(buffer[..<count]) : nil
            }
        #else
            nil
        #endif
    }
}
