/// Buffers bytes from a ``RawSocket`` so HTTP heads and frames can be read in exact amounts, each
/// read bounded by a deadline rather than a per-`recv` timeout: a large frame arriving in many
/// pieces must not stretch a 5 s budget into 5 s per piece.
final class BufferedReader {
    let socket: RawSocket
    private var buffer: [UInt8] = []
    private var start = 0

    init(socket: RawSocket, leftover: [UInt8] = []) {
        self.socket = socket
        buffer = leftover
    }

    var available: Int { buffer.count - start }

    /// Buffers at least `count` bytes or throws once `deadline` passes or the peer closes.
    func fill(atLeast count: Int, deadline: ContinuousClock.Instant, what: @autoclosure () -> String) throws {
        while available < count {
            let remaining = deadline - .now
            guard remaining > .zero else { throw RawWebSocketError.timedOut(waitingFor: what()) }
            switch try socket.receive(upTo: max(65_536, count - available), timeout: remaining) {
            case .bytes(let bytes): buffer += bytes
            case .endOfStream: throw RawWebSocketError.connectionClosed(waitingFor: what())
            case .timedOut: throw RawWebSocketError.timedOut(waitingFor: what())
            }
        }
    }

    /// The buffered byte `offset` bytes ahead, without consuming it.
    subscript(offset: Int) -> UInt8 {
        precondition(offset < available)
        return buffer[start + offset]
    }

    /// Removes and returns the next `count` bytes, which must already be buffered.
    func take(_ count: Int) -> [UInt8] {
        precondition(count <= available)
        let bytes = Array(buffer[start..<start + count])
        start += count
        // Compact lazily so reading many small frames stays linear.
        if start > 65_536 && start * 2 > buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
        return bytes
    }

    /// Reads through the blank line ending an HTTP head and returns the head without it.
    func readHTTPHead(deadline: ContinuousClock.Instant, limit: Int = 65_536) throws -> [UInt8] {
        var scanned = 0
        while true {
            let bytes = buffer[start...]
            var index = bytes.startIndex + scanned
            while index + 3 < bytes.endIndex {
                if bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
                    let head = take(index - start)
                    _ = take(4)
                    return head
                }
                index += 1
            }
            scanned = max(0, available - 3)
            guard available < limit else {
                throw RawWebSocketError.malformedServerData("HTTP head longer than \(limit) bytes")
            }
            try fill(atLeast: available + 1, deadline: deadline, what: "the HTTP response head")
        }
    }

    /// Returns everything until the peer closes, or whatever arrived by `deadline`.
    func readUntilClosed(deadline: ContinuousClock.Instant) throws -> [UInt8] {
        while true {
            let remaining = deadline - .now
            guard remaining > .zero else { break }
            guard case .bytes(let bytes) = try socket.receive(timeout: remaining) else { break }
            buffer += bytes
        }
        return take(available)
    }
}
