import NIOCore
import Synchronization

/// The WebSocket connections of one server: counts per route (for the connection limit), the set to
/// close on shutdown, and whether the server still admits new ones.
///
/// A slot is reserved before the 101 response and released by the channel's close future, so no
/// path (refused, failed mid-upgrade, or closed normally) can leak one.
public final class WebSocketConnectionRegistry: Sendable {
    enum Reservation: Equatable {
        case reserved
        case full
        case draining
    }

    private struct State {
        var isDraining = false
        var countsByRoute: [String: Int] = [:]
        var channels: [ObjectIdentifier: (route: String, channel: any Channel)] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Open connections across all routes.
    public var count: Int { self.state.withLock { $0.channels.count } }

    public var isDraining: Bool { self.state.withLock { $0.isDraining } }

    /// Open connections on one route template.
    public func count(route: String) -> Int { self.state.withLock { $0.countsByRoute[route, default: 0] } }

    func reserve(route: String, limit: Int, channel: any Channel) -> Reservation {
        let id = ObjectIdentifier(channel)
        let result = self.state.withLock { state -> Reservation in
            if state.isDraining { return .draining }
            guard state.channels[id] == nil else { return .reserved }
            guard state.countsByRoute[route, default: 0] < limit else { return .full }
            state.countsByRoute[route, default: 0] += 1
            state.channels[id] = (route, channel)
            return .reserved
        }
        if result == .reserved {
            channel.closeFuture.whenComplete { _ in self.release(id) }
        }
        return result
    }

    private func release(_ id: ObjectIdentifier) {
        self.state.withLock { state in
            guard let entry = state.channels.removeValue(forKey: id) else { return }
            state.countsByRoute[entry.route, default: 1] -= 1
        }
    }

    /// Stops admitting connections and returns the open ones, for the caller to close.
    func beginDraining() -> [any Channel] {
        self.state.withLock { state in
            state.isDraining = true
            return state.channels.values.map(\.channel)
        }
    }
}
