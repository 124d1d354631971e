public import NIOCore
public import NIOPosix
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Records one call's audio to a WAV file off the event loop, with bounded memory.
///
/// The event loop only appends to a small in-memory buffer under a lock (no I/O, no waiting on
/// disk); one job at a time on the thread pool swaps that buffer out and writes it, so writes stay
/// in order and the file grows as the call goes. If the disk falls so far behind that the buffer
/// reaches its capacity, new audio is dropped and counted rather than held: the recording gets a
/// gap, the call never gets slower and memory never grows with the call's length.
public final class CallRecorder: Sendable {
    /// What the finished recording holds.
    public struct Result: Sendable, Hashable {
        public var path: String
        /// Audio bytes written to the file.
        public var bytesWritten: Int
        /// Audio bytes lost because the disk was too slow, or after a write error.
        public var bytesDropped: Int
        /// The first error, if writing failed (the file may then be partial or absent).
        public var error: String?
    }

    private struct Pending: Sendable {
        var buffer: ByteBuffer
        var isWriting = false
        var isFinishing = false
        var bytesDropped = 0
        var promise: EventLoopPromise<Result>?
    }

    private struct Output: ~Copyable, Sendable {
        var writer: WAVWriter?
        var isOpened = false
        var bytesWritten = 0
        var error: String?
    }

    public let path: String
    private let format: WAVFormat
    private let capacity: Int
    private let pool: NIOThreadPool
    private let pending: Mutex<Pending>
    /// Touched only by the one write job running at a time; the lock makes that provable.
    private let output = Mutex<Output>(Output())

    /// - Parameter capacityBytes: audio held while the disk is busy (default 10 s of 8 kHz G.711).
    public init(path: String, format: WAVFormat, pool: NIOThreadPool, capacityBytes: Int = 80_000) {
        self.path = path
        self.format = format
        self.capacity = capacityBytes
        self.pool = pool
        self.pending = Mutex(Pending(buffer: ByteBuffer()))
    }

    /// Queues audio for the file. Never blocks: called on the event loop for every frame.
    public func append(_ audio: ByteBuffer) {
        let startWriting = self.pending.withLock { state -> Bool in
            guard !state.isFinishing else { return false }
            guard state.buffer.readableBytes + audio.readableBytes <= self.capacity else {
                state.bytesDropped += audio.readableBytes
                return false
            }
            var audio = audio
            state.buffer.writeBuffer(&audio)
            guard !state.isWriting else { return false }
            state.isWriting = true
            return true
        }
        if startWriting { self.scheduleWrite() }
    }

    /// Stops recording: the rest is written, the header patched and the file closed, then the
    /// future (on `eventLoop`) succeeds with what was recorded.
    public func finish(on eventLoop: any EventLoop) -> EventLoopFuture<Result> {
        let promise = eventLoop.makePromise(of: Result.self)
        let startWriting = self.pending.withLock { state -> Bool in
            guard !state.isFinishing else { return false }
            state.isFinishing = true
            state.promise = promise
            guard !state.isWriting else { return false }
            state.isWriting = true
            return true
        }
        if startWriting { self.scheduleWrite() }
        return promise.futureResult
    }

    private func scheduleWrite() {
        self.pool.submit { _ in self.writeUntilEmpty() }
    }

    /// Runs on the thread pool, alone: swaps the pending bytes out and writes them until none are
    /// left, then finishes the file if asked to.
    private func writeUntilEmpty() {
        var spare = ByteBuffer()
        while true {
            let next = self.pending.withLock { state -> (finish: EventLoopPromise<Result>?, done: Bool) in
                if state.buffer.readableBytes > 0 {
                    swap(&state.buffer, &spare)
                    return (nil, false)
                }
                state.isWriting = false
                guard state.isFinishing, let promise = state.promise else { return (nil, true) }
                state.promise = nil
                return (promise, true)
            }
            if next.done {
                if let promise = next.finish { promise.succeed(self.closeFile()) }
                return
            }
            self.write(spare)
            spare.clear()
        }
    }

    private func write(_ audio: ByteBuffer) {
        self.output.withLock { output in
            self.openIfNeeded(&output)
            guard var writer = output.writer.take() else {
                self.countDropped(audio.readableBytes)
                return
            }
            do {
                try writer.append(audio)
                output.bytesWritten += audio.readableBytes
                output.writer = consume writer
            } catch {
                // The writer is dropped (its file closed as it is): later audio is counted as lost.
                output.error = output.error ?? "\(error)"
                self.countDropped(audio.readableBytes)
            }
        }
    }

    private func closeFile() -> Result {
        let dropped = self.pending.withLock { $0.bytesDropped }
        return self.output.withLock { output in
            // A call with no audio still leaves a valid, empty recording behind.
            self.openIfNeeded(&output)
            if let writer = output.writer.take() {
                do {
                    try writer.finish()
                } catch {
                    output.error = output.error ?? "\(error)"
                }
            }
            return Result(
                path: self.path, bytesWritten: output.bytesWritten, bytesDropped: dropped, error: output.error)
        }
    }

    /// Opens the file on first use, creating its directory (one level) if missing.
    private func openIfNeeded(_ output: inout Output) {
        guard !output.isOpened else { return }
        output.isOpened = true
        if let slash = self.path.lastIndex(of: "/"), slash != self.path.startIndex {
            _ = mkdir(String(self.path[..<slash]), 0o755)  // EEXIST is the common case
        }
        do {
            output.writer = try WAVWriter(path: self.path, format: self.format)
        } catch {
            output.error = "\(error)"
        }
    }

    private func countDropped(_ bytes: Int) {
        self.pending.withLock { $0.bytesDropped += bytes }
    }
}
