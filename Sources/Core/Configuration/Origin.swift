/// Browser origins (`scheme://host[:port]`) as they appear in the `Origin` request header.
public enum Origin {
    /// Whether `value` is an origin Switchboard can compare: an http(s) scheme, a host, an optional
    /// port, and no path.
    public static func isValid(_ value: String) -> Bool {
        let value = value.lowercased()
        let rest: Substring
        if value.hasPrefix("https://") {
            rest = value.dropFirst(8)
        } else if value.hasPrefix("http://") {
            rest = value.dropFirst(7)
        } else {
            return false
        }
        let trimmed = rest.hasSuffix("/") ? rest.dropLast() : rest
        return !trimmed.isEmpty && !trimmed.contains("/") && !trimmed.contains("?") && !trimmed.contains("#")
            && !trimmed.contains(" ")
    }

    /// The form origins are compared in: lower case, no trailing slash.
    public static func normalise(_ value: String) -> String {
        let lower = value.trimmingSpaces().lowercased()
        return lower.hasSuffix("/") ? String(lower.dropLast()) : lower
    }
}

/// The public base URL (`PUBLIC_URL`).
public enum PublicURL {
    /// Returns the URL without a trailing slash, or `nil` when it is not an absolute http(s)/ws(s) URL.
    public static func normalise(_ value: String) -> String? {
        let schemes = ["https://", "wss://", "http://", "ws://"]
        guard let scheme = schemes.first(where: { value.lowercased().hasPrefix($0) }) else { return nil }
        let rest = value.dropFirst(scheme.count)
        guard let host = rest.split(separator: "/", omittingEmptySubsequences: false).first, !host.isEmpty,
            !value.contains(" "), !value.contains("?"), !value.contains("#")
        else { return nil }
        return value.hasSuffix("/") ? String(value.dropLast()) : value
    }
}
