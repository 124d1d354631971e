/// Where raw configuration strings come from: command-line flags first, then the environment.
///
/// Both are keyed by the environment variable name (`PORT`), so every setting has one name and one
/// parser whichever way it arrives.
public struct ConfigurationSource: Sendable {
    public var environment: [String: String]
    public var flags: [String: String]

    public init(environment: [String: String], flags: [String: String] = [:]) {
        self.environment = environment
        self.flags = flags
    }

    /// The raw value for `name`; an empty environment variable counts as unset.
    public func raw(_ name: String) -> String? {
        if let flag = self.flags[name] { return flag }
        guard let value = self.environment[name], !value.isEmpty else { return nil }
        return value
    }

    /// Parses `name` with `parse`, or returns `defaultValue` when it is unset.
    /// - Parameter expected: what is allowed, for the error line.
    public func value<T>(
        _ name: String,
        default defaultValue: T,
        expected: String,
        secret: Bool = false,
        _ parse: (String) -> T?
    ) throws(ConfigurationError) -> T {
        guard let raw = self.raw(name) else { return defaultValue }
        guard let parsed = parse(raw) else {
            throw ConfigurationError(variable: name, value: secret ? nil : raw, expected: expected)
        }
        return parsed
    }

    /// An integer in `range`.
    public func integer(_ name: String, default defaultValue: Int, in range: ClosedRange<Int>)
        throws(ConfigurationError) -> Int
    {
        try self.value(
            name, default: defaultValue, expected: "an integer from \(range.lowerBound) to \(range.upperBound)"
        ) {
            Int($0.trimmingSpaces()).flatMap { range.contains($0) ? $0 : nil }
        }
    }

    /// A duration written in seconds (fractions allowed), within `range`.
    public func seconds(
        _ name: String,
        default defaultValue: Duration,
        in range: ClosedRange<Double>
    ) throws(ConfigurationError) -> Duration {
        try self.value(
            name, default: defaultValue, expected: "a number of seconds from \(range.lowerBound) to \(range.upperBound)"
        ) {
            guard let seconds = Double($0.trimmingSpaces()), range.contains(seconds) else { return nil }
            return .milliseconds(Int64((seconds * 1000).rounded()))
        }
    }

    /// One of a fixed set of lower-case words.
    public func choice<T>(_ name: String, default defaultValue: T, choices: [String: T]) throws(ConfigurationError) -> T
    {
        try self.value(name, default: defaultValue, expected: "one of " + choices.keys.sorted().joined(separator: ", "))
        {
            choices[$0.trimmingSpaces().lowercased()]
        }
    }

    /// A comma-separated list; blank items are ignored and each item must pass `isValid`.
    public func list(
        _ name: String,
        expected: String,
        isValid: (String) -> Bool
    ) throws(ConfigurationError) -> [String] {
        try self.value(name, default: [], expected: expected) { raw in
            let items = raw.split(separator: ",").map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
            return items.allSatisfy(isValid) ? items : nil
        }
    }
}

extension String {
    /// Trims spaces and tabs without Foundation.
    package func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let start = self.firstIndex(where: { !isSpace($0) }), let end = self.lastIndex(where: { !isSpace($0) })
        else {
            return ""
        }
        return String(self[start...end])
    }
}
