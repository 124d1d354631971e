import SwitchboardTestSupport

/// Starts an in-process Switchboard server on 127.0.0.1, port 0, with default configuration, runs
/// body with the bound port, and shuts it down.
func withEchoServer<T: Sendable>(_ body: @Sendable (Int) async throws -> T) async throws -> T {
    try await withSwitchboardServer { server in try await body(server.port) }
}
