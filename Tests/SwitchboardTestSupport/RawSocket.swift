#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Errors from ``RawSocket``.
public enum RawSocketError: Error, CustomStringConvertible, Equatable {
    /// A send or receive did not complete before its timeout.
    case timedOut
    /// A system call failed; `errno` is the raw error number.
    case system(call: String, errno: Int32)

    /// True for errors meaning the peer reset or already closed the connection.
    public var isConnectionGone: Bool {
        guard case .system(_, let code) = self else { return false }
        return code == ECONNRESET || code == EPIPE || code == ENOTCONN
    }

    public var description: String {
        switch self {
        case .timedOut: "timed out"
        case .system(let call, let code): "\(call) failed: \(String(cString: strerror(code))) (errno \(code))"
        }
    }
}

/// Outcome of one ``RawSocket/receive(upTo:timeout:)``.
public enum RawReceiveResult: Equatable {
    /// Between 1 and the requested number of bytes.
    case bytes([UInt8])
    /// The peer closed its side of the connection (`recv` returned 0).
    case endOfStream
    /// Nothing arrived within the timeout.
    case timedOut
}

/// A blocking TCP client socket to a port on 127.0.0.1, built on plain POSIX calls.
///
/// Deliberately independent of SwiftNIO so that tests of the NIO-based server exercise it from
/// the outside, byte for byte. Every blocking call is bounded by a timeout. Not thread-safe: use
/// one instance from one task at a time.
public final class RawSocket {
    /// The loopback port this socket is connected to.
    public let port: Int
    private var fd: Int32

    /// Connects to `127.0.0.1:port` with `TCP_NODELAY` set, so each ``send(_:timeout:)`` leaves as
    /// its own segment — tests rely on that to deliver frames in controlled pieces.
    /// - Parameter receiveBufferSize: a small `SO_RCVBUF` (set before connecting, so it bounds the
    ///   TCP window) makes a client that stops reading back the server up quickly.
    public init(port: Int, timeout: Duration = .seconds(5), receiveBufferSize: Int? = nil) throws {
        self.port = port
        #if canImport(Darwin)
            let socketType = SOCK_STREAM
        #else
            let socketType = Int32(SOCK_STREAM.rawValue)
        #endif
        fd = socket(AF_INET, socketType, 0)
        guard fd >= 0 else { throw RawSocketError.system(call: "socket", errno: errno) }
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        if var size = receiveBufferSize.map(Int32.init) {
            _ = setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        #if canImport(Darwin)
            // Darwin has no MSG_NOSIGNAL; without this a write to a closed peer kills the test process.
            _ = setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
        do {
            // On Linux SO_SNDTIMEO also bounds connect().
            try setTimeout(SO_SNDTIMEO, timeout)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard result == 0 else { throw RawSocketError.system(call: "connect", errno: errno) }
        } catch {
            close()
            throw error
        }
    }

    deinit { close() }

    /// Whether ``close()`` has been called.
    public var isClosed: Bool { fd < 0 }

    /// Writes all of `bytes`, blocking until they are handed to the kernel or `timeout` passes.
    public func send(_ bytes: some Collection<UInt8>, timeout: Duration = .seconds(5)) throws {
        guard !isClosed else { throw RawSocketError.system(call: "send", errno: EBADF) }
        try setTimeout(SO_SNDTIMEO, timeout)
        let buffer = Array(bytes)
        #if canImport(Darwin)
            let flags: Int32 = 0
        #else
            let flags = Int32(MSG_NOSIGNAL)
        #endif
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { raw in
                systemSend(fd, raw.baseAddress! + offset, buffer.count - offset, flags)
            }
            if written < 0 {
                let code = errno
                if code == EINTR { continue }
                if code == EAGAIN || code == EWOULDBLOCK { throw RawSocketError.timedOut }
                throw RawSocketError.system(call: "send", errno: code)
            }
            offset += written
        }
    }

    /// Reads whatever is available, up to `maxBytes`, waiting at most `timeout` for the first byte.
    ///
    /// A reset connection is reported as ``RawReceiveResult/endOfStream`` because for the tests both
    /// mean the same thing: the peer is gone.
    public func receive(upTo maxBytes: Int = 65_536, timeout: Duration) throws -> RawReceiveResult {
        guard !isClosed else { throw RawSocketError.system(call: "recv", errno: EBADF) }
        try setTimeout(SO_RCVTIMEO, timeout)
        var buffer = [UInt8](repeating: 0, count: max(1, maxBytes))
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 { return .bytes(Array(buffer[0..<count])) }
            if count == 0 { return .endOfStream }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK { return .timedOut }
            if code == ECONNRESET { return .endOfStream }
            throw RawSocketError.system(call: "recv", errno: code)
        }
    }

    /// Half-closes the connection: the peer sees end-of-stream, but this side can still read.
    /// Reads and discards until the peer closes (true: end of stream or reset) or `deadline`
    /// passes with the connection still open (false).
    public func waitForEndOfStream(until deadline: ContinuousClock.Instant) -> Bool {
        while true {
            let remaining = deadline - .now
            guard remaining > .zero else { return false }
            switch try? self.receive(timeout: remaining) {
            case .bytes: continue
            case .timedOut: return false
            case .endOfStream, nil: return true
            }
        }
    }

    public func shutdownWrite() {
        guard !isClosed else { return }
        #if canImport(Darwin)
            _ = shutdown(fd, SHUT_WR)
        #else
            _ = shutdown(fd, Int32(SHUT_WR))
        #endif
    }

    /// Closes the socket; safe to call more than once.
    public func close() {
        guard fd >= 0 else { return }
        #if canImport(Darwin)
            _ = Darwin.close(fd)
        #elseif canImport(Musl)
            _ = Musl.close(fd)
        #else
            _ = Glibc.close(fd)
        #endif
        fd = -1
    }

    private func setTimeout(_ option: Int32, _ timeout: Duration) throws {
        // A zero timeval means "block forever", the opposite of what a tiny timeout asks for.
        let clamped = max(timeout, .milliseconds(1))
        let (seconds, attoseconds) = clamped.components
        var value = timeval()
        value.tv_sec = .init(truncatingIfNeeded: seconds)
        value.tv_usec = .init(truncatingIfNeeded: attoseconds / 1_000_000_000_000)
        guard setsockopt(fd, SOL_SOCKET, option, &value, socklen_t(MemoryLayout<timeval>.size)) == 0 else {
            throw RawSocketError.system(call: "setsockopt", errno: errno)
        }
    }
}

/// `send` is shadowed by ``RawSocket/send(_:timeout:)`` inside the class.
private func systemSend(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int, _ flags: Int32) -> Int {
    send(fd, buffer, count, flags)
}
