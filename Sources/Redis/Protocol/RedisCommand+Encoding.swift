import CHiredis
public import NIOCore

extension RedisCommand {
    /// Commands that would break the one-reply-per-command order of a pooled connection, or leave it
    /// in a state the next caller does not expect: subscriptions (use ``RedisClient/subscribe(to:bufferSize:)``),
    /// `MONITOR`, `HELLO` (a protocol switch) and `SELECT` (set the database in ``RedisConfiguration``).
    private static let refusedNames: Set<String> = [
        "SUBSCRIBE", "UNSUBSCRIBE", "PSUBSCRIBE", "PUNSUBSCRIBE", "SSUBSCRIBE", "SUNSUBSCRIBE", "MONITOR", "HELLO",
        "SELECT",
    ]

    /// Throws when the command cannot go on a pooled connection: it is empty (Redis answers nothing
    /// to an empty command, which would shift every later reply) or one of ``refusedNames``.
    func validateForPool() throws(RedisError) {
        guard self.count > 0 else {
            throw RedisError(.invalidCommand, "a command needs at least a name")
        }
        let name = self.name
        if Self.refusedNames.contains(name) {
            throw RedisError(.invalidCommand, "\(name) cannot be sent on a pooled connection")
        }
    }

    /// Appends the command in RESP (an array of bulk strings), formatted by hiredis's
    /// `redisFormatCommandArgv`.
    public func encode(into buffer: inout ByteBuffer) {
        // A command whose arguments are all empty still needs an address for the C call; a copy
        // of the bytes is made only then.
        var storage = self.bytes
        if storage.isEmpty { storage.append(0) }
        storage.withUnsafeBufferPointer { bytes in
            let base = UnsafeRawPointer(bytes.baseAddress!).assumingMemoryBound(to: CChar.self)
            var target: UnsafeMutablePointer<CChar>?
            let count = withUnsafeTemporaryAllocation(of: UnsafePointer<CChar>?.self, capacity: self.count) { argv in
                var offset = 0
                for (index, length) in self.lengths.enumerated() {
                    argv.initializeElement(at: index, to: base + offset)
                    offset += length
                }
                return self.lengths.withUnsafeBufferPointer { argvlen in
                    redisFormatCommandArgv(&target, Int32(self.count), argv.baseAddress, argvlen.baseAddress)
                }
            }
            // hiredis fails only when it cannot allocate, where Swift would have stopped already.
            guard count >= 0, let target else { fatalError("redisFormatCommandArgv could not allocate") }
            defer { redisFreeCommand(target) }
            buffer.writeBytes(UnsafeRawBufferPointer(start: target, count: Int(count)))
        }
    }
}
