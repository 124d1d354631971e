/// One Redis command: its name and arguments, as the binary-safe strings RESP sends.
///
/// ```swift
/// let set = RedisCommand("SET", "session:1", "payload")
/// let get = RedisCommand(["GET", "session:1"])
/// ```
public struct RedisCommand: Sendable, Hashable {
    /// The name first, then the arguments.
    public var arguments: [[UInt8]]

    /// A command from its name and arguments as UTF-8 text.
    public init(_ arguments: [String]) {
        self.arguments = arguments.map { Array($0.utf8) }
    }

    /// A command from its name and arguments as UTF-8 text.
    public init(_ name: String, _ arguments: String...) {
        self.init([name] + arguments)
    }

    /// A command whose name and arguments are arbitrary bytes.
    public init(bytes arguments: [[UInt8]]) {
        self.arguments = arguments
    }

    /// The command name in upper case (`"GET"`), for checks and logs; never the arguments, which may be secrets.
    var name: String {
        String(decoding: self.arguments.first ?? [], as: UTF8.self).uppercased()
    }
}
