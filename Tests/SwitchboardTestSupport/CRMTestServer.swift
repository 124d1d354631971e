public import Core
import Foundation

/// The two storage backends every CRM suite runs on.
public enum StorageBackend: String, Sendable, CaseIterable, CustomStringConvertible {
    case sqlite
    case postgresql

    public var description: String { self.rawValue }
}

/// Starts an in-process server on `backend` (a fresh SQLite file, or a fresh database in the
/// shared throwaway PostgreSQL cluster) with the test API keys, and hands `body` a client.
public func withCRMServer<T: Sendable>(
    _ backend: StorageBackend,
    configure: @escaping @Sendable (inout SwitchboardConfiguration) -> Void = { _ in },
    _ body: @Sendable (RunningServer, APIClient) async throws -> T
) async throws -> T {
    let databaseURL: String? =
        switch backend {
        case .sqlite: nil
        case .postgresql: try await PostgresTestServer.shared.makeDatabase()
        }
    return try await withSwitchboardServer(configure: { configuration in
        configuration.databaseURL = databaseURL
        configuration.rateLimitPerMinute = 0
        configure(&configuration)
    }) { running in
        try await body(running, APIClient(port: running.port))
    }
}
