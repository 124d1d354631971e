import NIOCore
import NIOWebSocket
import Testing

@testable import Realtime

/// An action reduced to what the protocol decides, without the human-readable reasons.
private enum Verdict: Equatable, CustomStringConvertible {
    case none
    case text(String)
    case binary([UInt8])
    case pong([UInt8])
    case pongReceived
    case close(UInt16)
    case closeAndDisconnect(UInt16?, peer: Bool)
    case disconnect

    init(_ action: WebSocketConnectionStateMachine.ReceiveAction) {
        switch action {
        case .none: self = .none
        case .deliver(.text(let buffer)): self = .text(String(buffer: buffer))
        case .deliver(.binary(let buffer)): self = .binary(Array(buffer.readableBytesView))
        case .sendPong(let payload): self = .pong(Array(payload.readableBytesView))
        case .pongReceived: self = .pongReceived
        case .sendClose(let code, _): self = .close(code.rawValue)
        case .sendCloseAndDisconnect(let code, _, let peer): self = .closeAndDisconnect(code?.rawValue, peer: peer)
        case .disconnect: self = .disconnect
        }
    }

    var description: String {
        switch self {
        case .none: "none"
        case .text(let text): "text(\(text.debugDescription))"
        case .binary(let bytes): "binary(\(bytes))"
        case .pong(let bytes): "pong(\(bytes))"
        case .pongReceived: "pongReceived"
        case .close(let code): "close(\(code))"
        case .closeAndDisconnect(let code, let peer):
            "closeAndDisconnect(\(code.map(String.init) ?? "nil"), peer: \(peer))"
        case .disconnect: "disconnect"
        }
    }
}

private extension WebSocketConnectionStateMachine {
    init() {
        self.init(maxMessageSize: 1 << 20)
    }

    mutating func feed(_ frame: WebSocketFrame) -> Verdict {
        Verdict(self.receive(frame))
    }
}

@Suite("WebSocketConnectionStateMachine")
struct WebSocketConnectionStateMachineTests {
    // MARK: Data

    @Test func aSingleTextFrameIsDelivered() {
        var machine = WebSocketConnectionStateMachine()
        #expect(machine.feed(TestFrames.text("héllo 😀")) == .text("héllo 😀"))
        #expect(machine.state == .open)
    }

    @Test func aSingleBinaryFrameIsDeliveredUnmasked() {
        var machine = WebSocketConnectionStateMachine()
        #expect(machine.feed(TestFrames.binary([0, 1, 2, 0xFF, 0x80])) == .binary([0, 1, 2, 0xFF, 0x80]))
    }

    @Test func emptyMessagesAreDelivered() {
        var machine = WebSocketConnectionStateMachine()
        #expect(machine.feed(TestFrames.text("")) == .text(""))
        #expect(machine.feed(TestFrames.binary([])) == .binary([]))
    }

    @Test func fragmentsAreReassembled() {
        var machine = WebSocketConnectionStateMachine()
        #expect(machine.feed(TestFrames.text("Hel", fin: false)) == .none)
        #expect(machine.feed(TestFrames.continuation("lo ", fin: false)) == .none)
        #expect(machine.feed(TestFrames.continuation("", fin: false)) == .none)
        #expect(machine.feed(TestFrames.continuation("world")) == .text("Hello world"))

        #expect(machine.feed(TestFrames.binary([1, 2], fin: false)) == .none)
        #expect(machine.feed(TestFrames.continuation([3])) == .binary([1, 2, 3]))
        #expect(machine.state == .open)
    }

    @Test func aCharacterMaySpanFragments() {
        var machine = WebSocketConnectionStateMachine()
        // U+20AC EURO SIGN, E2 82 AC, cut after each byte.
        #expect(machine.feed(TestFrames.text(bytes: [0x41, 0xE2], fin: false)) == .none)
        #expect(machine.feed(TestFrames.continuation([0x82], fin: false)) == .none)
        #expect(machine.feed(TestFrames.continuation([0xAC, 0x42])) == .text("A€B"))
    }

    @Test func controlFramesMayInterleaveWithFragments() {
        var machine = WebSocketConnectionStateMachine()
        #expect(machine.feed(TestFrames.text("a", fin: false)) == .none)
        #expect(machine.feed(TestFrames.ping([7])) == .pong([7]))
        #expect(machine.feed(TestFrames.pong()) == .pongReceived)
        #expect(machine.feed(TestFrames.continuation("b")) == .text("ab"))
    }

    // MARK: Ping and pong

    @Test(arguments: [[], Array("ping-1".utf8), [UInt8](repeating: 0xA5, count: 125)])
    func aPingIsAnsweredWithTheSamePayload(payload: [UInt8]) {
        var machine = WebSocketConnectionStateMachine()
        #expect(machine.feed(TestFrames.ping(payload)) == .pong(payload))
    }

    @Test func aPongIsReported() {
        var machine = WebSocketConnectionStateMachine()
        #expect(machine.feed(TestFrames.pong(Array("anything".utf8))) == .pongReceived)
        #expect(machine.state == .open)
    }

    // MARK: Protocol errors

    @Test(arguments: [WebSocketOpcode.text, .binary, .continuation, .ping, .pong, .connectionClose])
    func anUnmaskedFrameIsAProtocolError(opcode: WebSocketOpcode) {
        var machine = WebSocketConnectionStateMachine()
        #expect(machine.feed(TestFrames.client(opcode, [], masked: false)) == .close(1002))
        #expect(machine.state == .closeSent)
        #expect(!machine.canSend)
    }

    @Test(arguments: [1, 2, 3])
    func aReservedBitIsAProtocolError(bit: Int) {
        var machine = WebSocketConnectionStateMachine()
        let frame = TestFrames.client(.text, Array("x".utf8), rsv1: bit == 1, rsv2: bit == 2, rsv3: bit == 3)
        #expect(machine.feed(frame) == .close(1002))
    }

    @Test(arguments: [0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF] as [UInt8])
    func aReservedOpcodeIsAProtocolError(raw: UInt8) {
        var machine = WebSocketConnectionStateMachine()
        #expect(machine.feed(TestFrames.client(TestFrames.opcode(raw), [])) == .close(1002))
    }

    @Test func anOversizedControlFrameIsAProtocolError() {
        var machine = WebSocketConnectionStateMachine()
        #expect(machine.feed(TestFrames.ping([UInt8](repeating: 0, count: 126))) == .close(1002))
    }

    @Test(arguments: [WebSocketOpcode.ping, .pong, .connectionClose])
    func aFragmentedControlFrameIsAProtocolError(opcode: WebSocketOpcode) {
        var machine = WebSocketConnectionStateMachine()
        #expect(machine.feed(TestFrames.client(opcode, [], fin: false)) == .close(1002))
    }

    @Test func aContinuationWithoutAMessageIsAProtocolError() {
        var machine = WebSocketConnectionStateMachine()
        #expect(machine.feed(TestFrames.continuation("x")) == .close(1002))
    }

    @Test func aContinuationAfterAFinishedMessageIsAProtocolError() {
        var machine = WebSocketConnectionStateMachine()
        #expect(machine.feed(TestFrames.text("done")) == .text("done"))
        #expect(machine.feed(TestFrames.continuation("more")) == .close(1002))
    }

    @Test(arguments: [WebSocketOpcode.text, .binary])
    func aNewMessageBeforeTheLastFinishedIsAProtocolError(next: WebSocketOpcode) {
        var machine = WebSocketConnectionStateMachine()
        #expect(machine.feed(TestFrames.text("first", fin: false)) == .none)
        #expect(machine.feed(TestFrames.client(next, Array("second".utf8))) == .close(1002))
    }

    // MARK: UTF-8

    @Test func invalidUTF8InASingleFrameIs1007() {
        var machine = WebSocketConnectionStateMachine()
        #expect(machine.feed(TestFrames.text(bytes: [0x41, 0xC0, 0x80])) == .close(1007))
    }

    @Test func invalidUTF8FailsOnTheFirstFragmentThatHasIt() {
        var first = WebSocketConnectionStateMachine()
        #expect(first.feed(TestFrames.text(bytes: [0x41, 0xFF], fin: false)) == .close(1007))

        var later = WebSocketConnectionStateMachine()
        #expect(later.feed(TestFrames.text("valid so far", fin: false)) == .none)
        #expect(later.feed(TestFrames.continuation([0xED, 0xA0], fin: false)) == .close(1007))
    }

    @Test func aMessageEndingInsideACharacterIs1007() {
        var single = WebSocketConnectionStateMachine()
        #expect(single.feed(TestFrames.text(bytes: [0x41, 0xE2, 0x82])) == .close(1007))

        var fragmented = WebSocketConnectionStateMachine()
        #expect(fragmented.feed(TestFrames.text(bytes: [0x41], fin: false)) == .none)
        #expect(fragmented.feed(TestFrames.continuation([0xF0, 0x9F])) == .close(1007))
    }

    @Test func binaryMessagesAreNotValidated() {
        var machine = WebSocketConnectionStateMachine()
        #expect(machine.feed(TestFrames.binary([0xFF], fin: false)) == .none)
        #expect(machine.feed(TestFrames.continuation([0xC0])) == .binary([0xFF, 0xC0]))
    }

    // MARK: Size limit

    @Test(arguments: [WebSocketOpcode.text, .binary])
    func aFrameOverTheLimitIs1009(opcode: WebSocketOpcode) {
        var machine = WebSocketConnectionStateMachine(maxMessageSize: 10)
        #expect(machine.feed(TestFrames.client(opcode, [UInt8](repeating: 0x61, count: 10))) != .close(1009))
        #expect(machine.feed(TestFrames.client(opcode, [UInt8](repeating: 0x61, count: 11))) == .close(1009))
    }

    @Test(arguments: [WebSocketOpcode.text, .binary])
    func fragmentsOverTheLimitAre1009(opcode: WebSocketOpcode) {
        var exact = WebSocketConnectionStateMachine(maxMessageSize: 10)
        #expect(exact.feed(TestFrames.client(opcode, Array("12345".utf8), fin: false)) == .none)
        #expect(exact.feed(TestFrames.continuation(Array("67890".utf8))) != .close(1009))

        var over = WebSocketConnectionStateMachine(maxMessageSize: 10)
        #expect(over.feed(TestFrames.client(opcode, Array("12345".utf8), fin: false)) == .none)
        #expect(over.feed(TestFrames.continuation(Array("6789".utf8), fin: false)) == .none)
        // The limit is checked on the fragment that crosses it, not when the message ends.
        #expect(over.feed(TestFrames.continuation(Array("01".utf8), fin: false)) == .close(1009))
    }

    // MARK: Closing handshake started by the peer

    @Test func aCloseWithoutPayloadIsAnsweredWithoutACode() {
        var machine = WebSocketConnectionStateMachine()
        #expect(machine.feed(TestFrames.close(code: nil)) == .closeAndDisconnect(nil, peer: true))
        #expect(machine.state == .closed)
        #expect(!machine.canSend)
    }

    @Test(arguments: [1000, 1001, 1003, 1011, 3000, 4000, 4999] as [UInt16])
    func aValidCloseIsEchoed(code: UInt16) {
        var machine = WebSocketConnectionStateMachine()
        #expect(machine.feed(TestFrames.close(code, reason: "bye ✓")) == .closeAndDisconnect(code, peer: true))
        #expect(machine.state == .closed)
    }

    @Test func aOneByteCloseIs1002() {
        var machine = WebSocketConnectionStateMachine()
        #expect(machine.feed(TestFrames.client(.connectionClose, [0x03])) == .closeAndDisconnect(1002, peer: false))
    }

    @Test(arguments: [0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000] as [UInt16])
    func anInvalidCloseCodeIs1002(code: UInt16) {
        var machine = WebSocketConnectionStateMachine()
        #expect(machine.feed(TestFrames.close(code: code)) == .closeAndDisconnect(1002, peer: false))
    }

    @Test func aCloseReasonThatIsNotUTF8Is1007() {
        var machine = WebSocketConnectionStateMachine()
        #expect(
            machine.feed(TestFrames.close(code: 1000, reason: [0x61, 0xCE, 0xBA, 0xE1]))
                == .closeAndDisconnect(1007, peer: false))
    }

    @Test func aCloseMidMessageEndsTheConnection() {
        var machine = WebSocketConnectionStateMachine()
        #expect(machine.feed(TestFrames.text("partial", fin: false)) == .none)
        #expect(machine.feed(TestFrames.close(code: 1000)) == .closeAndDisconnect(1000, peer: true))
    }

    @Test func nothingMattersOnceClosed() {
        var machine = WebSocketConnectionStateMachine()
        _ = machine.feed(TestFrames.close(code: 1000))
        #expect(machine.feed(TestFrames.text("late")) == .none)
        #expect(machine.feed(TestFrames.ping()) == .none)
        #expect(machine.feed(TestFrames.close(code: 1000)) == .none)
        #expect(machine.feed(TestFrames.client(.text, [], masked: false)) == .none)
        #expect(Verdict(machine.close(.normalClosure, reason: "")) == .none)
        #expect(Verdict(machine.decodingFailed(.invalidFrameLength)) == .none)
    }

    // MARK: Closing handshake started by the server

    @Test func theApplicationClosesOnce() {
        var machine = WebSocketConnectionStateMachine()
        #expect(machine.close(.goingAway, reason: "shutdown") == .sendClose(.goingAway, reason: "shutdown"))
        #expect(machine.state == .closeSent)
        #expect(!machine.canSend)
        #expect(machine.close(.normalClosure, reason: "again") == .none)
    }

    @Test func afterSendingCloseOnlyTheCloseFrameMatters() {
        var machine = WebSocketConnectionStateMachine()
        #expect(machine.feed(TestFrames.text("part", fin: false)) == .none)
        _ = machine.close(.normalClosure, reason: "")
        #expect(machine.feed(TestFrames.continuation("rest")) == .none)
        #expect(machine.feed(TestFrames.text("data")) == .none)
        #expect(machine.feed(TestFrames.binary([1])) == .none)
        #expect(machine.feed(TestFrames.ping([1])) == .none)
        #expect(machine.feed(TestFrames.client(.text, [], masked: false)) == .none)
        #expect(machine.state == .closeSent)
        #expect(machine.feed(TestFrames.close(code: 1000)) == .disconnect)
        #expect(machine.state == .closed)
    }

    @Test func afterAProtocolErrorThePeersCloseDisconnects() {
        var machine = WebSocketConnectionStateMachine()
        #expect(machine.feed(TestFrames.continuation("orphan")) == .close(1002))
        #expect(machine.feed(TestFrames.text("ignored")) == .none)
        #expect(machine.feed(TestFrames.close(code: nil)) == .disconnect)
    }

    // MARK: Undecodable byte stream

    @Test func anOverlongFrameFromTheDecoderIs1009() {
        var machine = WebSocketConnectionStateMachine()
        #expect(Verdict(machine.decodingFailed(.invalidFrameLength)) == .closeAndDisconnect(1009, peer: false))
        #expect(machine.state == .closed)
    }

    @Test(arguments: [NIOWebSocketError.fragmentedControlFrame, .multiByteControlFrameLength])
    func otherDecoderErrorsAre1002(error: NIOWebSocketError) {
        var machine = WebSocketConnectionStateMachine()
        #expect(Verdict(machine.decodingFailed(error)) == .closeAndDisconnect(1002, peer: false))
    }

    @Test func aDecoderErrorAfterSendingCloseJustDisconnects() {
        var machine = WebSocketConnectionStateMachine()
        _ = machine.close(.normalClosure, reason: "")
        #expect(Verdict(machine.decodingFailed(.invalidFrameLength)) == .disconnect)
        #expect(machine.state == .closed)
    }
}
