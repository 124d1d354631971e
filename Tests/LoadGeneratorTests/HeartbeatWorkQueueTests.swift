import Testing

@testable import LoadGenerator

/// What an idle connection sends next: due heartbeats before creations, creations bounded, and at
/// most one heartbeat per session waiting.
@Suite struct HeartbeatWorkQueueTests {
    private func readyQueue(sessions: Int, concurrency: Int = 2) -> HeartbeatWorkQueue {
        var queue = HeartbeatWorkQueue(sessions: sessions, setupConcurrency: concurrency)
        queue.addSessions()
        while let request = queue.next() { queue.finished(request) }
        #expect(queue.sessions.allSatisfy { $0 == .ready })
        return queue
    }

    @Test func creationsAreBoundedAndRetriedAfterAConnectionFailure() {
        var queue = HeartbeatWorkQueue(sessions: 3, setupConcurrency: 2)
        queue.addAgents(0..<1)
        queue.addSessions()
        #expect(queue.sessions == [.creating, .creating, .creating])
        let first = queue.next()
        let second = queue.next()
        #expect(first == .createAgent(0))
        #expect(second == .createSession(local: 0))
        #expect(queue.next() == nil, "two creations in flight at most")
        queue.finished(second!, created: false, retry: true)
        #expect(queue.sessions[0] == .creating)
        #expect(queue.next() == .createSession(local: 1))
        queue.finished(first!)
        #expect(queue.next() == .createSession(local: 2))
        #expect(queue.next() == nil)
        queue.finished(.createSession(local: 1))
        #expect(queue.next() == .createSession(local: 0), "the retry comes last")
        queue.finished(.createSession(local: 2), created: false)
        #expect(queue.sessions == [.creating, .ready, .failed])
        #expect(queue.setupInFlight == 1)
    }

    @Test func beatsOfSessionsThatDoNotExistAreNotSent() {
        var queue = HeartbeatWorkQueue(sessions: 2, setupConcurrency: 1)
        #expect(queue.beatDue(local: 0, scheduledNanoseconds: 0, isMeasured: false) == .notCreated)
        queue.addSessions()
        #expect(queue.beatDue(local: 0, scheduledNanoseconds: 0, isMeasured: false) == .notCreated)
        #expect(queue.queuedBeats == 0)
    }

    @Test func heartbeatsGoBeforeCreations() {
        var queue = HeartbeatWorkQueue(sessions: 2, setupConcurrency: 4)
        queue.addSessions()
        let creation = queue.next()!
        queue.finished(creation)
        #expect(queue.beatDue(local: 0, scheduledNanoseconds: 7, isMeasured: false) == .queued)
        #expect(queue.next() == .heartbeat(local: 0, scheduledNanoseconds: 7, isMeasured: false))
        #expect(queue.next() == .createSession(local: 1))
    }

    @Test func aSessionHasOneBeatAtATimeSoTheQueueIsBounded() {
        var queue = self.readyQueue(sessions: 3)
        for round in 0..<100 {
            for local in 0..<3 {
                let disposition = queue.beatDue(local: local, scheduledNanoseconds: UInt64(round), isMeasured: true)
                #expect(disposition == (round == 0 ? .queued : .skipped))
            }
        }
        #expect(queue.queuedBeats == 3)
        // In flight still counts: the next beat of session 0 is skipped until the answer.
        let beat = queue.next()!
        #expect(queue.beatDue(local: 0, scheduledNanoseconds: 200, isMeasured: true) == .skipped)
        queue.finished(beat)
        #expect(queue.beatDue(local: 0, scheduledNanoseconds: 300, isMeasured: true) == .queued)
    }

    @Test func cancellingCountsWhatWasLeft() {
        var queue = self.readyQueue(sessions: 3)
        _ = queue.beatDue(local: 0, scheduledNanoseconds: 1, isMeasured: false)
        _ = queue.beatDue(local: 1, scheduledNanoseconds: 2, isMeasured: true)
        _ = queue.beatDue(local: 2, scheduledNanoseconds: 3, isMeasured: true)
        let cancelled = queue.cancelBeats()
        #expect(cancelled.measured == 2)
        #expect(cancelled.warmup == 1)
        #expect(queue.queuedBeats == 0)
        #expect(queue.sessions.allSatisfy { $0 == .ready })

        var setup = HeartbeatWorkQueue(sessions: 2, setupConcurrency: 1)
        setup.addSessions()
        _ = setup.next()
        setup.cancelSetup()
        #expect(setup.sessions == [.creating, .failed])
        #expect(setup.queuedSetup == 0)
    }
}
