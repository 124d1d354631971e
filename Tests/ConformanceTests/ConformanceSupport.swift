import SwitchboardTestSupport
import Testing

/// Caps how many conformance tests run a server and a blocking client at the same time.
///
/// ``withBlockingIO(_:)`` frees the cooperative pool, so Swift Testing would otherwise start
/// every test at once; on a 2-core machine that many servers and megabyte echoes at a time
/// make 5 s read timeouts flaky.
actor ConformanceSlots {
    static let shared = ConformanceSlots(width: 4)

    private var free: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(width: Int) { free = width }

    func acquire() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty {
            free += 1
        } else {
            waiters.removeFirst().resume()
        }
    }
}

/// Runs `body` with a slot, an echo server and the bound port, on a blocking-IO thread.
func withEchoServerPort(_ body: @escaping @Sendable (Int) throws -> Void) async throws {
    await ConformanceSlots.shared.acquire()
    do {
        try await withEchoServer { port in
            try await withBlockingIO { try body(port) }
        }
        await ConformanceSlots.shared.release()
    } catch {
        await ConformanceSlots.shared.release()
        throw error
    }
}

/// Runs `body` with a client upgraded on `/v1/echo` of a fresh echo server, then checks the
/// invariants every server frame must meet: never masked, RSV bits clear, minimal length.
func withEchoClient(
    timeout: Duration = .seconds(5),
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: @escaping @Sendable (RawWebSocketClient) throws -> Void
) async throws {
    try await withEchoServerPort { port in
        let client = try RawWebSocketClient.connect(port: port, timeout: timeout)
        defer { client.close() }
        try body(client)
        #expect(!client.sawMaskedServerFrame, "a server must not mask its frames", sourceLocation: sourceLocation)
        // One issue per kind, not per frame: a systematic bug would otherwise flood the report.
        if let frame = client.receivedFrames.first(where: { $0.rsv != 0 }) {
            Issue.record("RSV bits set without a negotiated extension: \(frame)", sourceLocation: sourceLocation)
        }
        if let frame = client.receivedFrames.first(where: { !$0.usedMinimalLength }) {
            Issue.record("payload length not minimally encoded: \(frame)", sourceLocation: sourceLocation)
        }
    }
}

/// Reads one message and expects it to equal the given opcode and payload.
func expectEcho(
    _ client: RawWebSocketClient,
    _ opcode: RawOpcode,
    _ payload: [UInt8],
    timeout: Duration? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let message = try client.readMessage(timeout: timeout)
    #expect(message.opcode == opcode, sourceLocation: sourceLocation)
    #expect(message.payload.count == payload.count, "payload length", sourceLocation: sourceLocation)
    // Compared outside #expect, which would print megabyte arrays in full on failure.
    if message.payload != payload {
        let firstDifference =
            zip(message.payload, payload).enumerated().first { $0.element.0 != $0.element.1 }?
            .offset ?? min(message.payload.count, payload.count)
        Issue.record("echoed payload differs first at byte \(firstDifference)", sourceLocation: sourceLocation)
    }
}

/// Sends a single-frame message and expects it echoed unchanged.
func expectRoundTrip(
    _ client: RawWebSocketClient,
    _ opcode: RawOpcode,
    _ payload: [UInt8],
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    try client.send(ClientFrame(opcode: opcode, payload: payload))
    try expectEcho(client, opcode, payload, sourceLocation: sourceLocation)
}

/// Expects the server to fail the connection: a close frame with `code`, then a TCP close.
///
/// The client does not answer the close, so this also checks the server does not wait for it.
func expectFailure(
    _ client: RawWebSocketClient,
    code: UInt16,
    timeout: Duration? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    try client.expectClose(code: code, timeout: timeout)
    #expect(
        client.waitForTCPClose(), "server must close TCP after failing the connection",
        sourceLocation: sourceLocation)
}

/// The status codes a close frame may carry on the wire (RFC 6455 §7.4, IANA registry).
enum CloseCode {
    static let normal: UInt16 = 1000
    static let protocolError: UInt16 = 1002
    static let invalidPayload: UInt16 = 1007
    static let messageTooBig: UInt16 = 1009
}

extension String {
    /// The string's UTF-8 bytes, for payloads.
    var bytes: [UInt8] { Array(utf8) }
}
