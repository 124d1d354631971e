import Foundation

/// A WebSocket client over a blocking loopback TCP socket that gives tests byte-level control.
///
/// It writes whatever frames it is told to — malformed ones included — and parses the server's
/// frames strictly, so tests can assert RFC 6455 behaviour from the outside. Every read is
/// bounded by a timeout (``defaultTimeout`` unless given). Blocking calls stall the calling
/// thread: from async tests, run it inside ``withBlockingIO(_:)``.
public final class RawWebSocketClient {
    /// The underlying socket, for tests that need raw access.
    public let socket: RawSocket
    /// The server's 101 response.
    public let handshakeResponse: RawHTTPResponse
    /// The timeout for reads that are not given one.
    public var defaultTimeout: Duration
    /// Set once any server frame arrives with the mask bit set, which RFC 6455 forbids.
    public private(set) var sawMaskedServerFrame = false
    /// Every frame read so far, in order.
    public private(set) var receivedFrames: [ServerFrame] = []

    private let reader: BufferedReader

    /// The largest server frame the reader accepts; bounds memory if the stream is garbage.
    static let maxFramePayload = 64 << 20

    private init(reader: BufferedReader, response: RawHTTPResponse, timeout: Duration) {
        socket = reader.socket
        self.reader = reader
        handshakeResponse = response
        defaultTimeout = timeout
    }

    deinit { socket.close() }

    // MARK: Handshake

    /// Opens a TCP connection to `127.0.0.1:port` and completes a WebSocket upgrade.
    ///
    /// Sends a valid RFC 6455 upgrade request with a random key, version 13. Entries in `headers`
    /// replace the default field of the same name (case-insensitively) or are added. `pipelined`
    /// bytes go out in the same write as the request, to test a server that must not lose data
    /// arriving right behind the head. Throws ``RawWebSocketError/handshakeFailed(_:response:)``
    /// unless the answer is a 101 with `Upgrade: websocket`, a `Connection` containing `upgrade`,
    /// and the correct `Sec-WebSocket-Accept`.
    public static func connect(
        port: Int,
        path: String = "/v1/echo",
        headers: [(String, String)] = [],
        pipelined: [UInt8] = [],
        timeout: Duration = .seconds(5),
        receiveBufferSize: Int? = nil
    ) throws -> RawWebSocketClient {
        let key = RawHandshake.randomKey()
        var fields: [(String, String)] = [
            ("Host", "127.0.0.1:\(port)"),
            ("Upgrade", "websocket"),
            ("Connection", "Upgrade"),
            ("Sec-WebSocket-Key", key),
            ("Sec-WebSocket-Version", "13"),
        ]
        for (name, value) in headers {
            if let index = fields.firstIndex(where: { $0.0.lowercased() == name.lowercased() }) {
                fields[index].1 = value
            } else {
                fields.append((name, value))
            }
        }
        let sentKey = fields.first { $0.0.lowercased() == "sec-websocket-key" }?.1 ?? key
        var request = "GET \(path) HTTP/1.1\r\n"
        for (name, value) in fields { request += "\(name): \(value)\r\n" }
        request += "\r\n"

        let socket = try RawSocket(port: port, timeout: timeout, receiveBufferSize: receiveBufferSize)
        try socket.send(Array(request.utf8) + pipelined, timeout: timeout)
        let reader = BufferedReader(socket: socket)
        let deadline = ContinuousClock.now + timeout
        let (status, responseHeaders) = try RawHTTPResponse.parseHead(reader.readHTTPHead(deadline: deadline))
        var response = RawHTTPResponse(status: status, headers: responseHeaders, body: "")
        guard status == 101 else {
            let body = try? RawHTTPResponse.readBody(
                status: status, headers: responseHeaders, reader: reader, deadline: .now + .milliseconds(500))
            response.body = String(decoding: body ?? [], as: UTF8.self)
            throw RawWebSocketError.handshakeFailed("expected status 101", response: response)
        }
        guard response[header: "upgrade"]?.lowercased() == "websocket" else {
            throw RawWebSocketError.handshakeFailed("missing Upgrade: websocket", response: response)
        }
        let connectionTokens = (response[header: "connection"] ?? "").lowercased()
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard connectionTokens.contains("upgrade") else {
            throw RawWebSocketError.handshakeFailed("Connection does not contain upgrade", response: response)
        }
        guard response[header: "sec-websocket-accept"] == RawHandshake.acceptValue(forKey: sentKey) else {
            throw RawWebSocketError.handshakeFailed("wrong Sec-WebSocket-Accept", response: response)
        }
        return RawWebSocketClient(reader: reader, response: response, timeout: timeout)
    }

    /// Sends `requestText` verbatim on a fresh connection and returns the HTTP response.
    ///
    /// For testing rejected handshakes: the caller writes the whole request, CRLFs and final
    /// blank line included. Header names in the result are lower-cased. The connection is closed
    /// afterwards, so a 101 answer's frames are not read.
    public static func rawHandshake(
        port: Int, requestText: String, timeout: Duration = .seconds(5)
    ) throws -> (status: Int, headers: [String: String], body: String) {
        let socket = try RawSocket(port: port, timeout: timeout)
        defer { socket.close() }
        try socket.send(Array(requestText.utf8), timeout: timeout)
        let reader = BufferedReader(socket: socket)
        let deadline = ContinuousClock.now + timeout
        let (status, headers) = try RawHTTPResponse.parseHead(reader.readHTTPHead(deadline: deadline))
        let body =
            status == 101
            ? []
            : try RawHTTPResponse.readBody(
                status: status, headers: headers, reader: reader, deadline: deadline)
        return (status, headers, String(decoding: body, as: UTF8.self))
    }

    // MARK: Writing

    /// Writes `frames`, cut into TCP writes as `split` says.
    ///
    /// Throws ``RawSocketError`` if the server has gone away — expected in tests where it fails
    /// the connection part-way through; see ``trySend(_:split:)``.
    public func send(_ frames: [ClientFrame], split: WriteSplit = .oneWrite) throws {
        switch split {
        case .oneWrite:
            try socket.send(frames.flatMap { $0.encoded() }, timeout: defaultTimeout)
        case .perFrame(let pause):
            for (index, frame) in frames.enumerated() {
                if index > 0 { sleep(for: pause) }
                try socket.send(frame.encoded(), timeout: defaultTimeout)
            }
        case .chunks(let size, let pause):
            precondition(size > 0)
            let bytes = frames.flatMap { $0.encoded() }
            try sendPieces(of: bytes, sizes: [], defaultSize: size, pause: pause)
        case .sizes(let sizes, let pause):
            let bytes = frames.flatMap { $0.encoded() }
            try sendPieces(of: bytes, sizes: sizes, defaultSize: bytes.count, pause: pause)
        }
    }

    /// Writes one frame, cut into TCP writes as `split` says.
    public func send(_ frame: ClientFrame, split: WriteSplit = .oneWrite) throws {
        try send([frame], split: split)
    }

    /// Like ``send(_:split:)`` but reports failure instead of throwing, for writes the server
    /// may legitimately cut short by closing the connection.
    @discardableResult
    public func trySend(_ frames: [ClientFrame], split: WriteSplit = .oneWrite) -> Bool {
        do {
            try send(frames, split: split)
            return true
        } catch {
            return false
        }
    }

    /// Writes arbitrary bytes, e.g. a hand-built frame header; `.perFrame` has no frames to
    /// split at and writes once.
    public func sendRaw(_ bytes: [UInt8], split: WriteSplit = .oneWrite) throws {
        switch split {
        case .oneWrite, .perFrame:
            try socket.send(bytes, timeout: defaultTimeout)
        case .chunks(let size, let pause):
            try sendPieces(of: bytes, sizes: [], defaultSize: size, pause: pause)
        case .sizes(let sizes, let pause):
            try sendPieces(of: bytes, sizes: sizes, defaultSize: bytes.count, pause: pause)
        }
    }

    /// Sends a single masked text frame.
    public func sendText(_ text: String) throws { try send(.text(text)) }

    /// Sends a single masked binary frame.
    public func sendBinary(_ payload: [UInt8]) throws { try send(.binary(payload)) }

    /// Sends a masked ping.
    public func sendPing(_ payload: [UInt8] = []) throws { try send(.ping(payload)) }

    /// Sends a masked close frame; with `code` nil its payload is empty.
    public func sendClose(code: UInt16? = 1000, reason: [UInt8] = []) throws {
        try send(.close(code: code, reason: reason))
    }

    private func sendPieces(of bytes: [UInt8], sizes: [Int], defaultSize: Int, pause: Duration) throws {
        var offset = 0
        var pieceIndex = 0
        while offset < bytes.count {
            if pieceIndex > 0 { sleep(for: pause) }
            let size = pieceIndex < sizes.count ? sizes[pieceIndex] : max(defaultSize, 1)
            let end = min(bytes.count, offset + max(size, 0))
            if end > offset { try socket.send(bytes[offset..<end], timeout: defaultTimeout) }
            offset = end
            pieceIndex += 1
        }
    }

    private func sleep(for pause: Duration) {
        guard pause > .zero else { return }
        let (seconds, attoseconds) = pause.components
        Thread.sleep(forTimeInterval: Double(seconds) + Double(attoseconds) / 1e18)
    }

    // MARK: Reading

    /// Reads the next frame, whatever it is.
    public func readFrame(timeout: Duration? = nil) throws -> ServerFrame {
        try readFrame(deadline: .now + (timeout ?? defaultTimeout))
    }

    private func readFrame(deadline: ContinuousClock.Instant) throws -> ServerFrame {
        // Peek until the whole frame is buffered and only then consume it, so a timeout never
        // leaves half a frame behind to corrupt the next read.
        try reader.fill(atLeast: 2, deadline: deadline, what: "a frame header")
        let fin = reader[0] & 0x80 != 0
        let rsv = (reader[0] >> 4) & 0x7
        let opcode = RawOpcode(rawValue: reader[0] & 0x0F)
        let masked = reader[1] & 0x80 != 0
        let shortLength = Int(reader[1] & 0x7F)

        var headerLength = 2
        var length = shortLength
        var minimal = true
        if shortLength == 126 {
            headerLength += 2
            try reader.fill(atLeast: headerLength, deadline: deadline, what: "a 16-bit frame length")
            length = Int(reader[2]) << 8 | Int(reader[3])
            minimal = length >= 126
        } else if shortLength == 127 {
            headerLength += 8
            try reader.fill(atLeast: headerLength, deadline: deadline, what: "a 64-bit frame length")
            let value = (2..<10).reduce(UInt64(0)) { $0 << 8 | UInt64(reader[$1]) }
            guard value <= UInt64(Self.maxFramePayload) else {
                throw RawWebSocketError.malformedServerData("frame length \(value) exceeds the test limit")
            }
            length = Int(value)
            minimal = length > 0xFFFF
        }
        if masked { headerLength += 4 }
        try reader.fill(
            atLeast: headerLength + length, deadline: deadline, what: "a \(length)-byte \(opcode) payload")
        let header = reader.take(headerLength)
        var payload = reader.take(length)
        if masked {
            sawMaskedServerFrame = true
            let maskKey = Array(header.suffix(4))
            for index in payload.indices { payload[index] ^= maskKey[index & 3] }
        }
        let frame = ServerFrame(
            fin: fin, rsv: rsv, opcode: opcode, payload: payload, wasMasked: masked, usedMinimalLength: minimal)
        receivedFrames.append(frame)
        return frame
    }

    /// Reads one complete data message, reassembling fragments.
    ///
    /// Strict on purpose: any control frame (ping, pong) or out-of-order fragment throws, so a
    /// test notices a server that answers something it should have ignored. A close frame throws
    /// ``RawWebSocketError/unexpectedClose(_:)``.
    public func readMessage(timeout: Duration? = nil) throws -> ServerMessage {
        let deadline = ContinuousClock.now + (timeout ?? defaultTimeout)
        var frames: [ServerFrame] = []
        while true {
            let frame = try readFrame(deadline: deadline)
            switch frame.opcode {
            case .close:
                guard let close = ServerClose(payload: frame.payload) else {
                    throw RawWebSocketError.malformedServerData("close frame with a 1-byte payload")
                }
                throw RawWebSocketError.unexpectedClose(close)
            case .text where frames.isEmpty, .binary where frames.isEmpty:
                frames.append(frame)
            case .continuation where !frames.isEmpty:
                frames.append(frame)
            default:
                let expected = frames.isEmpty ? "a text or binary frame" : "a continuation frame"
                throw RawWebSocketError.unexpectedFrame(frame, expected: expected)
            }
            if frame.fin {
                return ServerMessage(opcode: frames[0].opcode, payload: frames.flatMap(\.payload), frames: frames)
            }
        }
    }

    /// Reads until `messages` data messages and `pongs` pongs have arrived, keeping the order
    /// within each kind but not between them.
    ///
    /// For pings sent among data messages: RFC 6455 fixes neither the order of a pong relative
    /// to the echo of an earlier message nor forbids a pong between the frames of a fragmented
    /// one, and a server answering pings in its protocol layer while echoing from an async
    /// session legitimately reorders them. Any other frame, or a close, throws.
    public func readMessagesAndPongs(
        messages: Int, pongs: Int, timeout: Duration? = nil
    ) throws -> (messages: [ServerMessage], pongs: [[UInt8]]) {
        let deadline = ContinuousClock.now + (timeout ?? defaultTimeout)
        var complete: [ServerMessage] = []
        var pongPayloads: [[UInt8]] = []
        var fragments: [ServerFrame] = []
        while complete.count < messages || pongPayloads.count < pongs {
            let frame = try readFrame(deadline: deadline)
            switch frame.opcode {
            case .pong where pongPayloads.count < pongs:
                pongPayloads.append(frame.payload)
                continue
            case .close:
                guard let close = ServerClose(payload: frame.payload) else {
                    throw RawWebSocketError.malformedServerData("close frame with a 1-byte payload")
                }
                throw RawWebSocketError.unexpectedClose(close)
            case .text where fragments.isEmpty && complete.count < messages,
                .binary where fragments.isEmpty && complete.count < messages,
                .continuation where !fragments.isEmpty:
                fragments.append(frame)
            default:
                throw RawWebSocketError.unexpectedFrame(frame, expected: "\(messages) messages and \(pongs) pongs")
            }
            if frame.fin {
                complete.append(
                    ServerMessage(opcode: fragments[0].opcode, payload: fragments.flatMap(\.payload), frames: fragments)
                )
                fragments = []
            }
        }
        return (complete, pongPayloads)
    }

    /// Reads frames until a close frame and returns its content.
    ///
    /// Throws if `code` is non-nil and differs from the received one, if the close payload is
    /// malformed, or — unless `skippingOtherFrames` — if any other frame comes first, because
    /// after failing a connection a server must not process or answer anything else.
    @discardableResult
    public func expectClose(
        code: UInt16?, timeout: Duration? = nil, skippingOtherFrames: Bool = false
    ) throws -> ServerClose {
        let deadline = ContinuousClock.now + (timeout ?? defaultTimeout)
        while true {
            let frame = try readFrame(deadline: deadline)
            guard frame.opcode == .close else {
                if skippingOtherFrames { continue }
                throw RawWebSocketError.unexpectedFrame(frame, expected: "a close frame")
            }
            guard let close = ServerClose(payload: frame.payload) else {
                throw RawWebSocketError.malformedServerData("close frame with a 1-byte payload")
            }
            if let code, close.code != code {
                throw RawWebSocketError.unexpectedCloseCode(expected: code, actual: close)
            }
            return close
        }
    }

    /// Waits for the server to close the TCP connection, discarding any bytes that arrive.
    ///
    /// Returns true on end-of-stream or reset, false if the connection is still open after
    /// `timeout`.
    public func waitForTCPClose(timeout: Duration? = nil) -> Bool {
        // Our own close() is not the server's; report it as "not observed".
        guard !socket.isClosed else { return false }
        let deadline = ContinuousClock.now + (timeout ?? defaultTimeout)
        return socket.waitForEndOfStream(until: deadline)
    }

    /// Returns the first frame to arrive within `duration`, or nil if none did — to check that
    /// the server stays silent, e.g. while a message is still incomplete.
    ///
    /// A TCP close during the wait throws ``RawWebSocketError/connectionClosed(waitingFor:)``.
    public func nextFrame(within duration: Duration) throws -> ServerFrame? {
        do {
            return try readFrame(timeout: duration)
        } catch RawWebSocketError.timedOut {
            return nil
        }
    }

    /// Closes the TCP connection without a closing handshake.
    public func close() { socket.close() }
}
