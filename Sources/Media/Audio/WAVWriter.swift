public import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Streams audio into a WAV file, never holding more of it in memory than the caller passes to one `append`.
///
/// Creating the writer writes the header with placeholder sizes (0); ``finish()`` patches the RIFF, `data` and,
/// for G.711, `fact` sizes in place and closes the file. A file whose writer never finished (the process died)
/// still has the placeholders, which readers that follow streaming conventions, ``WAVReader`` included, read to
/// the end of the file.
///
/// Every call is a blocking system call (`open`, `write`, `pwrite`, `close`): run the writer off the event loop,
/// e.g. on an `NIOThreadPool`, never in a channel handler.
///
/// The writer owns its file descriptor, so it is non-copyable: dropping an unfinished writer closes the file
/// without patching it.
public struct WAVWriter: ~Copyable, Sendable {
    public let format: WAVFormat
    /// Bytes of audio appended so far.
    public private(set) var dataByteCount = 0
    /// The open file, or -1 once closed.
    private var descriptor: Int32

    /// Creates (or truncates) the file at `path` and writes its header.
    public init(path: String, format: WAVFormat) throws(WAVError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw Self.systemError("open('\(path)')")
        }
        var header = ByteBuffer()
        format.writeHeader(dataByteCount: 0, into: &header)
        do {
            try header.withUnsafeReadableBytes { bytes throws(WAVError) in try Self.writeAll(bytes, to: descriptor) }
        } catch {
            _ = close(descriptor)
            throw error
        }
        self.format = format
        self.descriptor = descriptor
    }

    deinit {
        if self.descriptor >= 0 {
            _ = close(self.descriptor)
        }
    }

    /// Appends audio bytes, already in ``format``'s encoding.
    ///
    /// Throws ``WAVError/Kind/tooLarge`` (writing nothing) if the file would outgrow its 32-bit RIFF size.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) throws(WAVError) {
        guard bytes.count <= self.format.maximumDataByteCount - self.dataByteCount else {
            throw .tooLarge
        }
        try Self.writeAll(bytes, to: self.descriptor)
        self.dataByteCount += bytes.count
    }

    /// Appends `buffer`'s readable bytes, already in ``format``'s encoding.
    public mutating func append(_ buffer: ByteBuffer) throws(WAVError) {
        try buffer.withUnsafeReadableBytes { bytes throws(WAVError) in try self.append(bytes) }
    }

    /// Pads the `data` chunk to an even size, patches the header's sizes and closes the file.
    ///
    /// The file is closed even when patching fails.
    public consuming func finish() throws(WAVError) {
        if self.dataByteCount % 2 == 1 {
            // RIFF chunks are word-aligned; the pad byte is not part of the data size.
            try withUnsafeBytes(of: UInt8(0)) { pad throws(WAVError) in try Self.writeAll(pad, to: self.descriptor) }
        }
        try self.patch(self.format.riffSize(dataByteCount: self.dataByteCount), at: 4)
        try self.patch(self.dataByteCount, at: self.format.dataSizeOffset)
        if let offset = self.format.factSampleFramesOffset {
            try self.patch(self.dataByteCount / self.format.blockAlign, at: offset)
        }
        let descriptor = self.descriptor
        self.descriptor = -1
        guard close(descriptor) == 0 else {
            throw Self.systemError("close")
        }
    }

    private static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) throws(WAVError) {
        var written = 0
        while written < bytes.count {
            let result = write(descriptor, bytes.baseAddress! + written, bytes.count - written)
            if result < 0 {
                if errno == EINTR {
                    continue
                }
                throw Self.systemError("write")
            }
            written += result
        }
    }

    /// Overwrites a 32-bit little-endian size field.
    private func patch(_ value: Int, at offset: Int) throws(WAVError) {
        let field = UInt32(clamping: value).littleEndian
        var written = 0
        while written < 4 {
            let result = withUnsafeBytes(of: field) { field in
                pwrite(self.descriptor, field.baseAddress! + written, 4 - written, off_t(offset + written))
            }
            if result < 0 {
                if errno == EINTR {
                    continue
                }
                throw Self.systemError("pwrite")
            }
            written += result
        }
    }

    private static func systemError(_ operation: String) -> WAVError {
        let code = errno
        return .io(operation, errno: code, reason: String(cString: strerror(code)))
    }
}
