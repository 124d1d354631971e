import NIOCore

/// Where each HTTP/1 request of a connection begins and ends in the bytes read, found without
/// decoding them, so that a handler ahead of NIO's decoder can take whole requests out of the
/// stream (the heartbeat fast path) and give the decoder everything else at request boundaries.
///
/// It frames only heads in ``HTTPRequestHeadBytes``' grammar, whose framing llhttp cannot read
/// differently. The first head outside it, or longer than ``maximumHeadLength``, makes the framer
/// a pass-through for the rest of the connection: that head and every byte after it go to the
/// decoder, which judges them. An odd request costs the connection its fast path, never a wrong
/// split.
struct HTTPRequestFramer {
    enum Action {
        /// Give these bytes (a body, or anything once passing through) to the decoder.
        case forward(ByteBuffer)
        /// A request head, whole. Its body, if any, follows as ``forward(_:)``. The caller answers
        /// a bodiless one itself, or forwards the head's bytes.
        case head(HTTPRequestHeadBytes)
        /// Nothing more until the next read.
        case needMoreBytes
    }

    /// The longest head looked for. NIO's decoder takes longer ones (80 KiB), so a longer one is
    /// passed to it rather than refused here.
    static let maximumHeadLength = 16 * 1024

    private enum State {
        /// At a request boundary; the first `scanned` bytes of `pending` hold no end of head.
        case head(scanned: Int)
        /// Inside a body, with this many bytes of it still to come.
        case body(remaining: Int)
        case passingThrough
    }

    private var state = State.head(scanned: 0)
    /// Read and not yet given out. Usually empty between reads: a read holds whole requests.
    private var pending = Self.nothing
    /// What `pending` holds once it is given out: keeping the read's buffer instead would stop
    /// NIO from reusing it for the next read.
    private static let nothing = ByteBuffer()

    /// Whether every byte from now on goes to the decoder.
    var isPassingThrough: Bool {
        if case .passingThrough = self.state { return true }
        return false
    }

    mutating func read(_ bytes: ByteBuffer) {
        if self.pending.readableBytes == 0 {
            self.pending = bytes
        } else {
            var bytes = bytes
            self.pending.writeBuffer(&bytes)
        }
    }

    /// The next thing to do with the bytes read; call until ``Action/needMoreBytes``.
    mutating func next() -> Action {
        guard self.pending.readableBytes > 0 else { return .needMoreBytes }
        switch self.state {
        case .passingThrough:
            return .forward(self.take(self.pending.readableBytes))
        case .body(let remaining):
            let length = min(remaining, self.pending.readableBytes)
            self.state = length == remaining ? .head(scanned: 0) : .body(remaining: remaining - length)
            return .forward(self.take(length))
        case .head(let scanned):
            switch HTTPRequestHeadBytes.endOfHead(in: self.pending, from: scanned) {
            case .incomplete(let scanned):
                guard scanned <= Self.maximumHeadLength else { return self.passThrough() }
                self.state = .head(scanned: scanned)
                return .needMoreBytes
            case .unframeable:
                return self.passThrough()
            case .complete(let length):
                guard length <= Self.maximumHeadLength,
                    let head = HTTPRequestHeadBytes(
                        self.pending.getSlice(at: self.pending.readerIndex, length: length)!)
                else { return self.passThrough() }
                self.pending.moveReaderIndex(forwardBy: length)
                self.dropIfEmpty()
                self.state = head.contentLength > 0 ? .body(remaining: head.contentLength) : .head(scanned: 0)
                return .head(head)
            }
        }
    }

    private mutating func passThrough() -> Action {
        self.state = .passingThrough
        return .forward(self.take(self.pending.readableBytes))
    }

    private mutating func take(_ length: Int) -> ByteBuffer {
        defer { self.dropIfEmpty() }
        return self.pending.readSlice(length: length)!
    }

    private mutating func dropIfEmpty() {
        if self.pending.readableBytes == 0 { self.pending = Self.nothing }
    }
}
