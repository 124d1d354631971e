/// Why a ``RawWebSocketClient`` operation failed. Thrown errors fail the calling test, which is
/// how the client's expectations (e.g. a close code) become assertions.
public enum RawWebSocketError: Error, CustomStringConvertible {
    /// The upgrade was answered with something other than a valid 101.
    case handshakeFailed(String, response: RawHTTPResponse?)
    /// Nothing, or not enough, arrived in time.
    case timedOut(waitingFor: String)
    /// The server closed the TCP connection while more bytes were expected.
    case connectionClosed(waitingFor: String)
    /// A frame arrived that the caller did not expect at this point.
    case unexpectedFrame(ServerFrame, expected: String)
    /// A close frame arrived while a data message was expected.
    case unexpectedClose(ServerClose)
    /// A close frame arrived with a different status code than expected.
    case unexpectedCloseCode(expected: UInt16?, actual: ServerClose)
    /// The server's bytes do not form valid frames.
    case malformedServerData(String)

    public var description: String {
        switch self {
        case .handshakeFailed(let why, let response):
            "handshake failed: \(why)" + (response.map { " (status \($0.status), headers \($0.headers))" } ?? "")
        case .timedOut(let what): "timed out waiting for \(what)"
        case .connectionClosed(let what): "server closed the connection while waiting for \(what)"
        case .unexpectedFrame(let frame, let expected): "expected \(expected) but received \(frame)"
        case .unexpectedClose(let close):
            "expected a data message but received close \(close.code.map(String.init) ?? "without code") \"\(close.reason)\""
        case .unexpectedCloseCode(let expected, let actual):
            "expected close code \(expected.map(String.init) ?? "none") but received "
                + "\(actual.code.map(String.init) ?? "none") \"\(actual.reason)\""
        case .malformedServerData(let why): "malformed data from server: \(why)"
        }
    }
}
