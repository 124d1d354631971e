public import ServiceLifecycle

/// The WebSocket server's part of graceful shutdown. Listed after the HTTP server in the service
/// group, it is signalled first (the group shuts down in reverse order): it drains the WebSockets
/// while the listener still answers, so late upgrades get a clear 503 rather than a refused connection.
public struct WebSocketDrainService: Service {
    private let server: WebSocketServer
    private let timeout: Duration

    public init(server: WebSocketServer, timeout: Duration) {
        self.server = server
        self.timeout = timeout
    }

    public func run() async throws {
        do {
            try await gracefulShutdown()
        } catch {
            return  // cancelled, not shut down gracefully: the event loops close the sockets
        }
        await self.server.drain(timeout: self.timeout)
    }
}
