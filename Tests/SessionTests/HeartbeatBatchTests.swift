import Testing

@testable import Redis

// `#expect` cannot call a mutating method on its own.
private func accept(_ batch: inout HeartbeatBatch, _ id: String, _ time: Int64) -> Bool {
    batch.accept(id, atMicroseconds: time)
}

private func take(_ batch: inout HeartbeatBatch) -> HeartbeatWrite { batch.take() }

/// The Redis store's memory between writes, without Redis: which beats a window carries and
/// which of them refresh a key's TTL.
@Suite("Heartbeat batch")
struct HeartbeatBatchTests {
    /// 60 s in µs, the store's refresh interval.
    static let minute: Int64 = 60_000_000

    @Test func onlyKnownSessionsAreAcceptedAndEachKeepsItsNewestBeat() {
        var batch = HeartbeatBatch(refreshInterval: .seconds(60))
        batch.learn("a", refreshedAt: 0)
        #expect(accept(&batch, "a", 2_000))
        #expect(accept(&batch, "a", 1_000))  // late: the newer one stays
        #expect(!accept(&batch, "b", 2_000))
        let write = batch.take()
        #expect(write.beats == ["a": 2_000])
        #expect(write.refreshes.isEmpty)
        #expect(take(&batch).isEmpty)
    }

    @Test func aBeatAMinuteAfterTheLastRefreshRefreshesOnce() {
        var batch = HeartbeatBatch(refreshInterval: .seconds(60))
        batch.learn("a", refreshedAt: 0)
        #expect(accept(&batch, "a", Self.minute - 1))
        #expect(take(&batch).refreshes.isEmpty)
        #expect(accept(&batch, "a", Self.minute))
        #expect(accept(&batch, "a", Self.minute + 5_000_000))
        #expect(take(&batch).refreshes == ["a"])
        // The next is due a minute after that refresh.
        #expect(accept(&batch, "a", 2 * Self.minute - 1))
        #expect(take(&batch).refreshes.isEmpty)
    }

    @Test func aFailedWriteIsRestoredWithItsRefreshesDueAgain() {
        var batch = HeartbeatBatch(refreshInterval: .seconds(60))
        batch.learn("a", refreshedAt: 0)
        batch.learn("b", refreshedAt: 0)
        #expect(accept(&batch, "a", Self.minute))
        #expect(accept(&batch, "b", 10))
        let failed = batch.take()
        #expect(failed.refreshes == ["a"])
        // A newer beat of "b" arrived while the write was out; "b" keeps it.
        #expect(accept(&batch, "b", 20))
        batch.restore(failed)
        let retried = batch.take()
        #expect(retried.beats == ["a": Self.minute, "b": 20])
        #expect(retried.refreshes.isEmpty)
        // The refresh that did not land is made by the next beat.
        #expect(accept(&batch, "a", Self.minute + 1))
        #expect(take(&batch).refreshes == ["a"])
    }

    @Test func aForgottenSessionLeavesThePendingBeatsAndIsRefusedAfter() {
        var batch = HeartbeatBatch(refreshInterval: .seconds(60))
        batch.learn("a", refreshedAt: 0)
        // Due for a refresh, then ended here: neither its beat nor its refresh is written.
        #expect(accept(&batch, "a", Self.minute))
        batch.forget("a")
        #expect(!accept(&batch, "a", Self.minute + 10))
        #expect(take(&batch).isEmpty)
    }
}
