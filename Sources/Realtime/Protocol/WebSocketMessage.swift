public import NIOCore

/// A complete WebSocket data message, reassembled from its frames. Text is kept as validated UTF-8
/// bytes so the hot path never builds a `String` it does not need.
public enum WebSocketMessage: Sendable, Equatable {
    case text(ByteBuffer)
    case binary(ByteBuffer)

    /// The payload bytes, whichever the kind.
    public var payload: ByteBuffer {
        switch self {
        case .text(let buffer), .binary(let buffer): return buffer
        }
    }

    /// A text message from a Swift string.
    public static func text(_ string: String) -> WebSocketMessage {
        .text(ByteBuffer(string: string))
    }
}
