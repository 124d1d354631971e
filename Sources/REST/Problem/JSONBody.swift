import Foundation
import NIOCore

/// How REST writes JSON bodies: sorted keys (stable output, diffable in tests) and unescaped slashes.
enum JSONBody {
    static func encode(_ value: some Encodable) throws -> ByteBuffer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return ByteBuffer(bytes: try encoder.encode(value))
    }
}
