public import Core
public import Realtime

/// Not ready once the WebSocket server is draining, so a load balancer stops sending new
/// connections to an instance that is shutting down.
public struct WebSocketServerCheck: ReadinessCheck {
    public let name = "websocket"
    private let server: WebSocketServer

    public init(server: WebSocketServer) {
        self.server = server
    }

    public func check() async -> ReadinessReport {
        if self.server.registry.isDraining {
            return ReadinessReport(isReady: false, detail: "draining")
        }
        return ReadinessReport(isReady: true, detail: "ok, \(self.server.registry.count) connections")
    }
}
