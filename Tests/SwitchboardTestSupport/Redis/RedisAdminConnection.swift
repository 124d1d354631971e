/// A blocking connection to a test redis-server for the harness's own commands (`PING`, `INFO`,
/// `CONFIG RESETSTAT`). It speaks RESP itself over a ``RawSocket``, so that starting and inspecting
/// the server does not depend on the client under test. Every read is bounded by a deadline.
final class RedisAdminConnection {
    /// The few reply shapes the harness reads.
    enum Reply: Equatable {
        case status(String)
        case error(String)
        case integer(Int)
        case bulk(String?)
        case array([Reply])
    }

    private let reader: BufferedReader

    /// Connects to 127.0.0.1:`port` and authenticates when there is a password.
    init(port: Int, password: String?, timeout: Duration = .seconds(2)) throws {
        self.reader = BufferedReader(socket: try RawSocket(port: port, timeout: timeout))
        if let password {
            let reply = try self.call(["AUTH", password], timeout: timeout)
            guard reply == .status("OK") else { throw ProcessToolsError("AUTH to redis-server failed: \(reply)") }
        }
    }

    /// Sends one command and reads its reply.
    func call(_ arguments: [String], timeout: Duration = .seconds(5)) throws -> Reply {
        var request = Array("*\(arguments.count)\r\n".utf8)
        for argument in arguments {
            request += Array("$\(argument.utf8.count)\r\n".utf8) + Array(argument.utf8) + [13, 10]
        }
        try self.reader.socket.send(request, timeout: timeout)
        return try self.readReply(deadline: .now + timeout)
    }

    func close() {
        self.reader.socket.close()
    }

    private func readReply(deadline: ContinuousClock.Instant) throws -> Reply {
        let line = try self.readLine(deadline: deadline)
        guard let type = line.first else { throw ProcessToolsError("redis-server sent an empty line") }
        let rest = String(line.dropFirst())
        switch type {
        case "+": return .status(rest)
        case "-": return .error(rest)
        case ":": return .integer(Int(rest) ?? 0)
        case "$":
            guard let length = Int(rest), length >= 0 else { return .bulk(nil) }
            try self.reader.fill(atLeast: length + 2, deadline: deadline, what: "a Redis bulk reply")
            let bytes = self.reader.take(length + 2).dropLast(2)
            return .bulk(String(decoding: bytes, as: UTF8.self))
        case "*":
            guard let count = Int(rest), count >= 0 else { return .array([]) }
            return .array(try (0..<count).map { _ in try self.readReply(deadline: deadline) })
        default:
            throw ProcessToolsError("redis-server sent a reply of unknown type: \(line)")
        }
    }

    /// One line without its CRLF.
    private func readLine(deadline: ContinuousClock.Instant) throws -> String {
        var scanned = 0
        while true {
            while scanned + 1 < self.reader.available {
                if self.reader[scanned] == 13 && self.reader[scanned + 1] == 10 {
                    let line = self.reader.take(scanned)
                    _ = self.reader.take(2)
                    return String(decoding: line, as: UTF8.self)
                }
                scanned += 1
            }
            try self.reader.fill(atLeast: self.reader.available + 1, deadline: deadline, what: "a Redis reply")
        }
    }
}
