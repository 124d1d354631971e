/// A configuration value that cannot be used. Its description is the one line printed before the
/// process exits: it names the variable and what is allowed, and echoes the value only when the
/// variable is not a secret.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable, Hashable {
    /// The environment variable name (the CLI flag is its kebab-case twin).
    public let variable: String
    /// What was given, or `nil` when the variable is secret.
    public let value: String?
    /// What is allowed, e.g. "an integer from 0 to 65535".
    public let expected: String

    public init(variable: String, value: String?, expected: String) {
        self.variable = variable
        self.value = value
        self.expected = expected
    }

    public var description: String {
        if let value {
            // The error is one line whatever the value holds: control characters are escaped.
            let printable = value.unicodeScalars.map {
                $0.value < 0x20 || $0.value == 0x7F ? $0.escaped(asASCII: true) : String($0)
            }
            return "invalid \(self.variable)='\(printable.joined())': expected \(self.expected)"
        }
        return "invalid \(self.variable): expected \(self.expected)"
    }
}
