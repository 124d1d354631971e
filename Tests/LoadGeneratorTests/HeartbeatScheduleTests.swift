import Testing

@testable import LoadGenerator

/// The heartbeat plan: phases spread evenly over the interval, a steady rate, and beats whose times
/// depend on the plan and the clock only, never on answers.
@Suite struct HeartbeatScheduleTests {
    private let schedule = HeartbeatSchedule(sessions: 100_000, intervalNanoseconds: 5_000_000_000)

    @Test func phasesAreSpreadEvenlyOverTheInterval() {
        #expect(self.schedule.offsetNanoseconds(ofSession: 0) == 0)
        #expect(self.schedule.offsetNanoseconds(ofSession: 1) == 50_000)
        #expect(self.schedule.offsetNanoseconds(ofSession: 50_000) == 2_500_000_000)
        #expect(self.schedule.offsetNanoseconds(ofSession: 99_999) == 4_999_950_000)
        // Uneven division: gaps differ by at most a nanosecond.
        let odd = HeartbeatSchedule(sessions: 7, intervalNanoseconds: 1_000_000_000)
        let offsets = (0..<7).map(odd.offsetNanoseconds(ofSession:))
        let gaps = zip(offsets.dropFirst(), offsets).map { $0 - $1 }
        #expect(gaps.allSatisfy { $0 == 142_857_142 || $0 == 142_857_143 }, "\(gaps)")
    }

    @Test func everyRoundRepeatsThePhases() {
        #expect(self.schedule.scheduledNanoseconds(round: 0, session: 10) == 500_000)
        #expect(self.schedule.scheduledNanoseconds(round: 3, session: 10) == 15_000_500_000)
        #expect(self.schedule.beatsPerSecond == 20_000)
    }

    @Test func everySecondCarriesTheSameLoad() {
        // 100,000 sessions every 5 s: 20,000 beats in every second, wherever the second starts.
        for start in stride(from: UInt64(0), to: 20_000_000_000, by: 1_234_567_891) {
            #expect(self.schedule.beats(from: start, to: start + 1_000_000_000) == 20_000)
        }
        // And in every millisecond, 20 (the load has no bursts).
        for start in stride(from: UInt64(0), to: 5_000_000_000, by: 77_777_777) {
            #expect(self.schedule.beats(from: start, to: start + 1_000_000) == 20)
        }
        #expect(self.schedule.beats(from: 0, to: 30_000_000_000) == 600_000)
    }

    @Test func countingMatchesWalkingTheBeats() {
        let schedule = HeartbeatSchedule(sessions: 7, intervalNanoseconds: 1000)
        var times: [UInt64] = []
        for round in 0..<5 {
            for session in 0..<7 { times.append(schedule.scheduledNanoseconds(round: round, session: session)) }
        }
        for time in UInt64(0)...4000 {
            #expect(schedule.beats(before: time) == times.filter { $0 < time }.count, "before \(time)")
        }
    }

    @Test func beatsFallOnTicksAndCountingStillMatchesWalkingThem() {
        // 7 sessions over 1000 ns in ticks of 200: evenly at 0, 142, 285, 428, 571, 714, 857.
        let schedule = HeartbeatSchedule(sessions: 7, intervalNanoseconds: 1000, tickNanoseconds: 200)
        #expect((0..<7).map(schedule.offsetNanoseconds(ofSession:)) == [0, 0, 200, 400, 400, 600, 800])
        var times: [UInt64] = []
        for round in 0..<5 {
            for session in 0..<7 { times.append(schedule.scheduledNanoseconds(round: round, session: session)) }
        }
        for time in UInt64(0)...4000 {
            #expect(schedule.beats(before: time) == times.filter { $0 < time }.count, "before \(time)")
        }
        // The generator's plan: 20 beats on every millisecond tick, 20,000 a second.
        let run = HeartbeatSchedule(sessions: 100_000, intervalNanoseconds: 5_000_000_000, tickNanoseconds: 1_000_000)
        #expect(run.offsetNanoseconds(ofSession: 19) == 0)
        #expect(run.offsetNanoseconds(ofSession: 20) == 1_000_000)
        #expect(run.beats(from: 0, to: 1) == 20)
        #expect(run.beats(from: 1, to: 1_000_000) == 0)
        #expect(run.beats(from: 123_456_789, to: 1_123_456_789) == 20_000)
    }

    @Test func theCursorWalksBeatsInTimeOrderUpToNow() {
        let schedule = HeartbeatSchedule(sessions: 4, intervalNanoseconds: 1000)
        var cursor = HeartbeatCursor(schedule: schedule, sessions: [0, 1, 2, 3])
        var beats: [HeartbeatCursor.Beat] = []
        while let beat = cursor.next(dueBy: 1500, before: .max) { beats.append(beat) }
        #expect(beats.map(\.scheduledNanoseconds) == [0, 250, 500, 750, 1000, 1250, 1500])
        #expect(beats.map(\.local) == [0, 1, 2, 3, 0, 1, 2])
        #expect(cursor.nextScheduledNanoseconds == 1750)
        // A late look (the loop was busy) gets every missed beat, each with its own time.
        while let beat = cursor.next(dueBy: 2600, before: .max) { beats.append(beat) }
        #expect(beats.suffix(4).map(\.scheduledNanoseconds) == [1750, 2000, 2250, 2500])
    }

    @Test func theCursorStopsAtTheEnd() {
        let schedule = HeartbeatSchedule(sessions: 4, intervalNanoseconds: 1000)
        var cursor = HeartbeatCursor(schedule: schedule, sessions: [0, 1, 2, 3])
        var count = 0
        while cursor.next(dueBy: 10_000, before: 2000) != nil { count += 1 }
        #expect(count == 8)
        #expect(cursor.next(dueBy: .max, before: 2000) == nil)
    }

    @Test func loopSharesInterleaveAndCoverEveryBeat() {
        let schedule = HeartbeatSchedule(sessions: 10, intervalNanoseconds: 1_000_000)
        var merged: [UInt64] = []
        for thread in 0..<3 {
            var cursor = HeartbeatCursor.share(of: schedule, thread: thread, threads: 3)
            #expect(cursor.sessions == Array(stride(from: thread, to: 10, by: 3)))
            var previous: UInt64?
            while let beat = cursor.next(dueBy: 3_000_000, before: 3_000_000) {
                if let previous { #expect(beat.scheduledNanoseconds > previous) }
                previous = beat.scheduledNanoseconds
                merged.append(beat.scheduledNanoseconds)
            }
        }
        var expected: [UInt64] = []
        for round in 0..<3 {
            for session in 0..<10 { expected.append(schedule.scheduledNanoseconds(round: round, session: session)) }
        }
        #expect(merged.sorted() == expected.sorted())
        #expect(schedule.beats(from: 0, to: 3_000_000) == merged.count)
    }

    @Test func aLoopWithoutSessionsHasNoBeats() {
        let schedule = HeartbeatSchedule(sessions: 2, intervalNanoseconds: 1000)
        var cursor = HeartbeatCursor.share(of: schedule, thread: 3, threads: 4)
        #expect(cursor.sessions.isEmpty)
        #expect(cursor.nextScheduledNanoseconds == nil)
        #expect(cursor.next(dueBy: .max, before: .max) == nil)
    }
}
