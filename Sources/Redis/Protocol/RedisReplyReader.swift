import CHiredis
import NIOCore

/// Turns the bytes Redis sends into ``RESPValue``s, with hiredis's reply reader doing the parsing.
///
/// Bytes may arrive split anywhere; ``next()`` returns `nil` until a whole reply is there. Each
/// top-level reply hiredis builds is converted to Swift values and freed (`freeReplyObject`) once,
/// right away. After a protocol error the reader stays broken: the connection must be closed.
///
/// Owned by one connection handler on its event loop, hence not `Sendable`.
final class RedisReplyReader {
    private let reader: UnsafeMutablePointer<redisReader>

    init() {
        // `redisReaderCreate` returns nil only when malloc fails.
        guard let reader = redisReaderCreate() else { fatalError("redisReaderCreate could not allocate") }
        self.reader = reader
    }

    deinit {
        redisReaderFree(self.reader)
    }

    /// Hands `buffer`'s readable bytes to the reader (hiredis copies them).
    func feed(_ buffer: ByteBuffer) throws(RedisError) {
        let status = buffer.withUnsafeReadableBytes { bytes -> Int32 in
            guard let base = bytes.baseAddress, bytes.count > 0 else { return REDIS_OK }
            return redisReaderFeed(self.reader, base.assumingMemoryBound(to: CChar.self), bytes.count)
        }
        if status != REDIS_OK { throw self.protocolError() }
    }

    /// Hands `bytes` to the reader.
    func feed(_ bytes: [UInt8]) throws(RedisError) {
        try self.feed(ByteBuffer(bytes: bytes))
    }

    /// The next complete reply, or `nil` when more bytes are needed.
    func next() throws(RedisError) -> RESPValue? {
        var reply: UnsafeMutableRawPointer?
        guard redisReaderGetReply(self.reader, &reply) == REDIS_OK else { throw self.protocolError() }
        guard let reply else { return nil }
        defer { freeReplyObject(reply) }
        return Self.value(of: reply.assumingMemoryBound(to: redisReply.self))
    }

    private func protocolError() -> RedisError {
        let text = withUnsafeBytes(of: self.reader.pointee.errstr) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        return RedisError(.protocolError, text.isEmpty ? "unreadable reply" : text)
    }

    private static func value(of reply: UnsafeMutablePointer<redisReply>) -> RESPValue {
        let reply = reply.pointee
        switch reply.type {
        case REDIS_REPLY_STATUS: return .status(Self.text(reply))
        case REDIS_REPLY_ERROR: return .error(Self.text(reply))
        case REDIS_REPLY_INTEGER: return .integer(Int64(reply.integer))
        case REDIS_REPLY_STRING: return .bulk(Self.bytes(reply))
        case REDIS_REPLY_ARRAY:
            var elements: [RESPValue] = []
            elements.reserveCapacity(reply.elements)
            for index in 0..<reply.elements {
                if let element = reply.element[index] { elements.append(Self.value(of: element)) }
            }
            return .array(elements)
        case REDIS_REPLY_NIL: return .null
        // hiredis 0.14 builds no other types (RESP3 came later).
        default: return .null
        }
    }

    private static func bytes(_ reply: redisReply) -> [UInt8] {
        guard let str = reply.str, reply.len > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: str, count: reply.len))
    }

    private static func text(_ reply: redisReply) -> String {
        String(decoding: Self.bytes(reply), as: UTF8.self)
    }
}

@available(*, unavailable)
extension RedisReplyReader: Sendable {}
