import CHiredis
import NIOCore

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
        guard !self.arguments.isEmpty else {
            throw RedisError(.invalidCommand, "a command needs at least a name")
        }
        let name = self.name
        if Self.refusedNames.contains(name) {
            throw RedisError(.invalidCommand, "\(name) cannot be sent on a pooled connection")
        }
    }

    /// Appends the command in RESP (an array of bulk strings), formatted by hiredis's
    /// `redisFormatCommandArgv`.
    func encode(into buffer: inout ByteBuffer) {
        // One contiguous copy of every argument, so that each has a stable address for the C call.
        // The trailing byte keeps the storage non-empty even when every argument is.
        var storage: [UInt8] = []
        storage.reserveCapacity(self.arguments.reduce(1) { $0 + $1.count })
        var lengths: [Int] = []
        lengths.reserveCapacity(self.arguments.count)
        for argument in self.arguments {
            storage.append(contentsOf: argument)
            lengths.append(argument.count)
        }
        storage.append(0)
        storage.withUnsafeBufferPointer { bytes in
            let base = UnsafeRawPointer(bytes.baseAddress!).assumingMemoryBound(to: CChar.self)
            var pointers: [UnsafePointer<CChar>?] = []
            pointers.reserveCapacity(lengths.count)
            var offset = 0
            for length in lengths {
                pointers.append(base + offset)
                offset += length
            }
            var target: UnsafeMutablePointer<CChar>?
            let count = pointers.withUnsafeMutableBufferPointer { argv in
                lengths.withUnsafeBufferPointer { argvlen in
                    redisFormatCommandArgv(&target, Int32(lengths.count), argv.baseAddress, argvlen.baseAddress)
                }
            }
            // hiredis fails only when it cannot allocate, where Swift would have stopped already.
            guard count >= 0, let target else { fatalError("redisFormatCommandArgv could not allocate") }
            defer { redisFreeCommand(target) }
            buffer.writeBytes(UnsafeRawBufferPointer(start: target, count: Int(count)))
        }
    }
}
