import NIOCore

/// The server a heartbeat run talks to: resolved once, and loopback after resolution too.
struct HeartbeatTarget: Sendable {
    let address: SocketAddress
    /// The `Host` header value: `127.0.0.1:8080`, `[::1]:8080`.
    let hostHeader: String

    init(address: SocketAddress, hostHeader: String) {
        self.address = address
        self.hostHeader = hostHeader
    }

    /// Resolves `host`, and refuses an address that is not loopback (a `localhost` that a hosts
    /// file points elsewhere).
    static func resolve(host: String, port: Int) throws(LoadGeneratorError) -> Self {
        let address: SocketAddress
        do {
            address = try SocketAddress.makeAddressResolvingHost(LoopbackAddress.resolvable(host), port: port)
        } catch {
            throw .unresolvable(host, "\(error)")
        }
        guard let ip = address.ipAddress, LoopbackAddress.isLoopback(ip) else {
            throw .invalidOption("--host", "\(host) resolves to \(address.ipAddress ?? "?"), which is not loopback")
        }
        let bare = LoopbackAddress.resolvable(host)
        return Self(address: address, hostHeader: bare.contains(":") ? "[\(bare)]:\(port)" : "\(bare):\(port)")
    }
}
