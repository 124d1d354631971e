import Storage
import SwitchboardTestSupport
import Testing

/// The pool over a private cluster that goes down or hangs: requests fail fast with
/// ``SQLError/Kind/unavailable`` (a 503) instead of waiting, and the pool recovers by itself.
///
/// Serialized so the timing bounds are not measured while the other fault test loads the machine.
@Suite(.serialized) struct PostgresFaultTests {
    @Test func aStoppedDatabaseFailsFastAndThePoolRecoversByItself() async throws {
        try await withPrivateCluster { cluster in
            let connector = PostgresConnector(url: cluster.url, connectTimeout: .seconds(5), queryTimeout: .seconds(2))
            try await withPostgresDatabase(connector, configure: { $0.retryAfter = .milliseconds(300) }) { database in
                try await database.ping()  // leaves an idle connection for the first request to find broken
                try await cluster.stop()
                // The dead idle connection, then a refused connect, then the pool's retry window.
                for attempt in 1...3 {
                    let (error, elapsed) = await sqlFailure { try await database.ping() }
                    #expect(error?.kind == .unavailable, "attempt \(attempt)")
                    // Fast: not waiting for the connect timeout, which a hang would take in full.
                    // The timeout is long so that the bound can be too: with pass 2's load on 2
                    // cores an attempt took 310 ms once and 757 ms another time.
                    #expect(elapsed < .milliseconds(2500), "attempt \(attempt): \(elapsed)")
                }
                try await cluster.restart()
                try await expectRecovery(of: database, within: .seconds(5))
            }
        }
    }

    @Test func aFrozenDatabaseTimesOutInsteadOfHanging() async throws {
        try await withPrivateCluster { cluster in
            let connector = PostgresConnector(
                url: cluster.url, connectTimeout: .milliseconds(500), queryTimeout: .seconds(1))
            try await withPostgresDatabase(connector, configure: { $0.retryAfter = .milliseconds(300) }) { database in
                try await database.ping()
                try cluster.freeze()
                // The idle connection's query waits out queryTimeout; the next request's connect,
                // connectTimeout (the kernel still accepts the TCP connection). A failure here leaves the
                // cluster frozen for `withPrivateCluster`, which thaws it.
                let (queryError, queryTime) = await sqlFailure { try await database.ping() }
                #expect(queryError?.kind == .unavailable)
                #expect(queryTime >= .milliseconds(900) && queryTime < .milliseconds(1800))
                let (connectError, connectTime) = await sqlFailure { try await database.ping() }
                #expect(connectError?.kind == .unavailable)
                #expect(connectTime >= .milliseconds(400) && connectTime < .milliseconds(1300))
                try cluster.thaw()
                try await expectRecovery(of: database, within: .seconds(5))
            }
        }
    }
}

/// Runs `body` with a new private cluster, removed afterwards (and thawed first, if `body` left it frozen).
private func withPrivateCluster(_ body: (PostgresTestCluster) async throws -> Void) async throws {
    let cluster = try await PostgresTestCluster.launch()
    do {
        try await body(cluster)
    } catch {
        await cluster.remove()
        throw error
    }
    await cluster.remove()
}

/// Pings until a ping succeeds; the same `SQLDatabase` must get there without help.
private func expectRecovery(of database: SQLDatabase, within timeout: Duration) async throws {
    let deadline = ContinuousClock.now + timeout
    while true {
        do {
            try await database.ping()
            return
        } catch let error as SQLError where error.kind == .unavailable && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
