import NIOCore
import NIOWebSocket

/// The RFC 6455 rules for one server-side connection, as a pure state machine: frames and events go
/// in, actions come out, and ``WebSocketConnectionHandler`` performs them.
///
/// It enforces what `NIOWebSocket` leaves to its user: client frames must be masked, RSV bits must
/// be clear (no extension is negotiated), reserved opcodes are errors, fragments must follow the
/// rules, text must be UTF-8 (checked per fragment, so it fails fast), close frames must carry a
/// valid code and a UTF-8 reason, and a message may not exceed its limit.
struct WebSocketConnectionStateMachine {
    enum State: Equatable {
        /// Data flows both ways.
        case open
        /// We sent a close frame and wait for the peer's; everything else it sends is discarded.
        case closeSent
        /// Both close frames are exchanged (or the connection failed): only TCP closure remains.
        case closed
    }

    enum ReceiveAction: Equatable {
        case none
        /// A complete data message for the application.
        case deliver(WebSocketMessage)
        /// Answer a ping with a pong carrying the same payload.
        case sendPong(ByteBuffer)
        case pongReceived
        /// Begin the closing handshake: send a close frame, then wait (bounded) for the peer's.
        case sendClose(WebSocketCloseCode, reason: String)
        /// Send a close frame (echoing the peer's code, or none when it sent none) and close TCP: the
        /// peer has already closed, or the byte stream can no longer be parsed.
        case sendCloseAndDisconnect(WebSocketCloseCode?, reason: String, peerInitiated: Bool)
        /// The peer answered our close frame: close TCP, as the server must (RFC 6455 7.1.1).
        case disconnect
    }

    private enum Assembly {
        case none
        case text(ByteBuffer, UTF8Validator)
        case binary(ByteBuffer)
    }

    let maxMessageSize: Int
    private(set) var state: State = .open
    private var assembly: Assembly = .none

    init(maxMessageSize: Int) {
        self.maxMessageSize = maxMessageSize
    }

    /// Whether the application may still send data frames.
    var canSend: Bool { self.state == .open }

    mutating func receive(_ frame: WebSocketFrame) -> ReceiveAction {
        switch self.state {
        case .closed:
            return .none
        case .closeSent:
            // RFC 6455 1.4: after sending close, only the peer's close matters.
            if frame.opcode == .connectionClose {
                self.state = .closed
                return .disconnect
            }
            return .none
        case .open:
            break
        }
        guard frame.maskKey != nil else { return self.fail(.protocolError, "client frames must be masked") }
        guard !frame.rsv1 && !frame.rsv2 && !frame.rsv3 else {
            return self.fail(.protocolError, "reserved bits set without a negotiated extension")
        }
        if frame.opcode.isControlOpcode && (!frame.fin || frame.length > 125) {
            return self.fail(.protocolError, "control frames must be unfragmented and at most 125 bytes")
        }
        switch frame.opcode {
        case .text, .binary:
            return self.startMessage(frame)
        case .continuation:
            return self.continueMessage(frame)
        case .ping:
            return .sendPong(frame.unmaskedData)
        case .pong:
            return .pongReceived
        case .connectionClose:
            return self.receiveClose(frame.unmaskedData)
        default:
            return self.fail(.protocolError, "reserved opcode")
        }
    }

    /// The application or the server wants to close.
    mutating func close(_ code: WebSocketCloseCode, reason: String) -> ReceiveAction {
        guard self.state == .open else { return .none }
        self.state = .closeSent
        self.assembly = .none
        return .sendClose(code, reason: reason)
    }

    /// The frame decoder could not parse the byte stream: nothing more can be read from it.
    mutating func decodingFailed(_ error: NIOWebSocketError) -> ReceiveAction {
        guard self.state != .closed else { return .none }
        let wasOpen = self.state == .open
        self.state = .closed
        self.assembly = .none
        guard wasOpen else { return .disconnect }
        switch error {
        case .invalidFrameLength:
            return .sendCloseAndDisconnect(
                .messageTooBig, reason: "frame exceeds the message size limit", peerInitiated: false)
        case .fragmentedControlFrame, .multiByteControlFrameLength:
            return .sendCloseAndDisconnect(
                .protocolError,
                reason: "control frames must be unfragmented and at most 125 bytes",
                peerInitiated: false
            )
        }
    }

    private mutating func startMessage(_ frame: WebSocketFrame) -> ReceiveAction {
        guard case .none = self.assembly else {
            return self.fail(.protocolError, "a new message started before the previous one was finished")
        }
        let data = frame.unmaskedData
        guard data.readableBytes <= self.maxMessageSize else {
            return self.fail(.messageTooBig, "message exceeds \(self.maxMessageSize) bytes")
        }
        if frame.opcode == .binary {
            if frame.fin { return .deliver(.binary(data)) }
            self.assembly = .binary(data)
            return .none
        }
        var validator = UTF8Validator()
        guard data.withUnsafeReadableBytes({ validator.feed($0) }) else {
            return self.fail(.invalidPayload, "text message is not valid UTF-8")
        }
        if frame.fin {
            guard validator.isComplete else { return self.fail(.invalidPayload, "text message is not valid UTF-8") }
            return .deliver(.text(data))
        }
        self.assembly = .text(data, validator)
        return .none
    }

    private mutating func continueMessage(_ frame: WebSocketFrame) -> ReceiveAction {
        let data = frame.unmaskedData
        switch self.assembly {
        case .none:
            return self.fail(.protocolError, "continuation frame without a message to continue")
        case .binary(var buffer):
            guard buffer.readableBytes + data.readableBytes <= self.maxMessageSize else {
                return self.fail(.messageTooBig, "message exceeds \(self.maxMessageSize) bytes")
            }
            // Release the stored reference first so the append does not copy the whole message.
            self.assembly = .none
            buffer.writeImmutableBuffer(data)
            if frame.fin { return .deliver(.binary(buffer)) }
            self.assembly = .binary(buffer)
            return .none
        case .text(var buffer, var validator):
            guard buffer.readableBytes + data.readableBytes <= self.maxMessageSize else {
                return self.fail(.messageTooBig, "message exceeds \(self.maxMessageSize) bytes")
            }
            guard data.withUnsafeReadableBytes({ validator.feed($0) }), !frame.fin || validator.isComplete else {
                return self.fail(.invalidPayload, "text message is not valid UTF-8")
            }
            self.assembly = .none
            buffer.writeImmutableBuffer(data)
            if frame.fin { return .deliver(.text(buffer)) }
            self.assembly = .text(buffer, validator)
            return .none
        }
    }

    private mutating func receiveClose(_ payload: ByteBuffer) -> ReceiveAction {
        self.state = .closed
        self.assembly = .none
        var payload = payload
        guard payload.readableBytes > 0 else { return .sendCloseAndDisconnect(nil, reason: "", peerInitiated: true) }
        guard let raw = payload.readInteger(as: UInt16.self) else {
            return .sendCloseAndDisconnect(
                .protocolError, reason: "close frame with a 1-byte payload", peerInitiated: false)
        }
        let code = WebSocketCloseCode(rawValue: raw)
        guard code.isValidOnTheWire else {
            return .sendCloseAndDisconnect(.protocolError, reason: "invalid close code \(raw)", peerInitiated: false)
        }
        guard payload.withUnsafeReadableBytes({ UTF8Validator.isValid($0) }) else {
            return .sendCloseAndDisconnect(
                .invalidPayload, reason: "close reason is not valid UTF-8", peerInitiated: false)
        }
        return .sendCloseAndDisconnect(code, reason: "", peerInitiated: true)
    }

    /// RFC 6455 7.1.7 "Fail the WebSocket Connection": send the close frame, accept nothing more.
    private mutating func fail(_ code: WebSocketCloseCode, _ reason: String) -> ReceiveAction {
        self.state = .closeSent
        self.assembly = .none
        return .sendClose(code, reason: reason)
    }
}
