import NIOCore
import Testing

@testable import LoadGenerator

/// Client frames are masked with the shortest length form; server frames are cut out in place.
@Suite struct WebSocketFramingTests {
    @Test(arguments: [0, 1, 7, 8, 9, 125, 126, 65_535, 65_536])
    func maskedFrameUnmasksToThePayload(_ count: Int) {
        let payload = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var buffer = ByteBuffer()
        let key: UInt32 = 0x3713_A5F0
        payload.withUnsafeBytes { ClientFrameWriter.write(.text, payload: $0, maskKey: key, into: &buffer) }

        let first = buffer.readInteger(as: UInt8.self)
        #expect(first == 0x81)
        let second = buffer.readInteger(as: UInt8.self) ?? 0
        #expect(second & 0x80 == 0x80, "clients must mask")
        let length: Int
        switch second & 0x7F {
        case 126: length = Int(buffer.readInteger(as: UInt16.self) ?? 0)
        case 127: length = Int(buffer.readInteger(as: UInt64.self) ?? 0)
        case let short: length = Int(short)
        }
        #expect(length == count)
        let lengthCode = Int(second & 0x7F)
        #expect(lengthCode == (count < 126 ? count : count <= 0xFFFF ? 126 : 127))
        let keyBytes = buffer.readBytes(length: 4) ?? []
        #expect(keyBytes == [0x37, 0x13, 0xA5, 0xF0])
        let masked = buffer.readBytes(length: length) ?? []
        let unmasked = masked.enumerated().map { $0.element ^ keyBytes[$0.offset % 4] }
        #expect(unmasked == payload)
        #expect(buffer.readableBytes == 0)
    }

    @Test func parserCutsFramesAndWaitsForPartialOnes() throws {
        var buffer = ByteBuffer(bytes: [0x81, 0x03, 0x61, 0x62, 0x63, 0x89, 0x00, 0x82, 0x7E, 0x01])
        let parser = ServerFrameParser()
        guard case .frame(let text) = parser.next(in: &buffer) else { Issue.record("no text frame"); return }
        #expect(text.fin && text.opcode == 1)
        let payload = buffer.withVeryUnsafeBytes { Array($0[text.payloadRange]) }
        #expect(payload == [0x61, 0x62, 0x63])
        guard case .frame(let ping) = parser.next(in: &buffer) else { Issue.record("no ping"); return }
        #expect(ping.opcode == 9 && ping.payloadRange.isEmpty)
        guard case .needMoreBytes = parser.next(in: &buffer) else { Issue.record("partial frame parsed"); return }
        #expect(buffer.readableBytes == 3)
    }

    @Test func parserRefusesMaskedServerFrames() {
        var buffer = ByteBuffer(bytes: [0x81, 0x81, 1, 2, 3, 4, 0x61])
        guard case .protocolError = ServerFrameParser().next(in: &buffer) else {
            Issue.record("masked server frame accepted")
            return
        }
    }

    @Test func parserRefusesOversizedFrames() {
        var buffer = ByteBuffer(bytes: [0x82, 0x7F, 0, 0, 0, 1, 0, 0, 0, 0])
        guard case .protocolError = ServerFrameParser(maxFrameSize: 1 << 20).next(in: &buffer) else {
            Issue.record("oversized frame accepted")
            return
        }
    }

    @Test func fastRandomIsSeededAndSpread() {
        var a = FastRandom(seed: 1)
        var b = FastRandom(seed: 1)
        let first = (0..<64).map { _ in a.next() }
        #expect(first == (0..<64).map { _ in b.next() })
        #expect(Set(first).count == 64)
    }
}
