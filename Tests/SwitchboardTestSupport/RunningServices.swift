public import ServiceLifecycle

/// Runs `group` while `body` runs, then shuts it down gracefully and waits for it, however `body`
/// ends; `body`'s error wins over the group's. `whenStopped` runs once the group has stopped.
public func withRunningServices<T: Sendable>(
    _ group: ServiceGroup, whenStopped: @escaping @Sendable () -> Void = {}, _ body: @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask {
            defer { whenStopped() }
            try await group.run()
        }
        do {
            let result = try await body()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return result
        } catch {
            await group.triggerGracefulShutdown()
            try? await tasks.waitForAll()
            throw error
        }
    }
}
