/// The policy of this machine: load is only ever sent to loopback addresses.
public enum LoopbackAddress {
    /// `localhost`, `::1` (optionally bracketed) or a dotted IPv4 address in 127.0.0.0/8.
    public static func isLoopback(_ host: String) -> Bool {
        switch host.lowercased() {
        case "localhost", "::1", "[::1]", "0:0:0:0:0:0:0:1": return true
        default: break
        }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        var octets: [Int] = []
        for part in parts {
            // Leading zeros are refused: some resolvers read them as octal.
            guard (1...3).contains(part.count), part.allSatisfy(\.isASCIIDigit), part == "0" || part.first != "0",
                let value = Int(part), value <= 255
            else { return false }
            octets.append(value)
        }
        return octets[0] == 127
    }

    /// The host as `getaddrinfo` wants it (no brackets).
    static func resolvable(_ host: String) -> String {
        host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
