import Testing

@testable import LoadGenerator

/// Open-loop scheduling: frame times depend on the plan and the clock only, never on echoes.
@Suite struct RunPlanTests {
    private let plan = RunPlan(calls: 100, rampUpNanoseconds: 5_000_000_000, frameMilliseconds: 20, framesPerCall: 1500)

    @Test func startsAreSpreadEvenlyOverTheRampUp() {
        // Each call's share of the ramp-up, moved by less than a frame onto phase index % 20.
        #expect(self.plan.startTick(ofCall: 0) == 0)
        #expect(self.plan.startTick(ofCall: 1) == 61)
        #expect(self.plan.startTick(ofCall: 99) == 4959)
        for call in 0..<100 {
            let share = call * 50
            #expect((share..<(share + 20)).contains(self.plan.startTick(ofCall: call)))
            #expect(self.plan.phase(ofCall: call) == call % 20)
        }
    }

    @Test func noRampUpStartsEveryCallAtOnce() {
        // Every call within the first frame, one phase each.
        let plan = RunPlan(calls: 10, rampUpNanoseconds: 0, frameMilliseconds: 20, framesPerCall: 10)
        #expect((0..<10).map(plan.startTick(ofCall:)) == Array(0..<10))
    }

    @Test func phasesCoverTheFrameSoTicksShareTheWork() {
        let plan = RunPlan(calls: 2000, rampUpNanoseconds: 5_000_000_000, frameMilliseconds: 20, framesPerCall: 10)
        var perPhase = [Int](repeating: 0, count: plan.ticksPerFrame)
        for call in 0..<2000 { perPhase[plan.phase(ofCall: call)] += 1 }
        #expect(perPhase.allSatisfy { $0 == 100 })
    }

    @Test func mediaStartsOnTheNextFrameBoundaryOfItsPhase() {
        // Planned at tick 50 (50 ms), ready 3 ms later: media starts one frame after the plan.
        let onTime = self.plan.schedule(startTick: 50, readyNanoseconds: 53_000_000)
        #expect(onTime.mediaStartNanoseconds == 70_000_000)
        // Ready 45 ms late: three frames after the plan, still in phase 50 % 20 = 10.
        let late = self.plan.schedule(startTick: 50, readyNanoseconds: 95_000_000)
        #expect(late.mediaStartNanoseconds == 110_000_000)
        #expect(late.mediaStartNanoseconds / 1_000_000 % 20 == 10)
    }

    @Test func frameKIsDueAtStartPlusKFrames() {
        let schedule = CallSchedule(mediaStartNanoseconds: 1_000_000_000, frameNanoseconds: 20_000_000, frames: 5)
        #expect(schedule.scheduledNanoseconds(ofFrame: 0) == 1_000_000_000)
        #expect(schedule.scheduledNanoseconds(ofFrame: 3) == 1_060_000_000)
        #expect(schedule.timestampMilliseconds(ofFrame: 3) == 60)
        #expect(schedule.lastFrameNanoseconds == 1_080_000_000)
    }

    @Test func framesDueCountsEverythingScheduledByNowCappedAtTheCall() {
        let schedule = CallSchedule(mediaStartNanoseconds: 1_000_000_000, frameNanoseconds: 20_000_000, frames: 5)
        #expect(schedule.framesDue(by: 999_999_999) == 0)
        #expect(schedule.framesDue(by: 1_000_000_000) == 1)
        #expect(schedule.framesDue(by: 1_019_999_999) == 1)
        #expect(schedule.framesDue(by: 1_020_000_000) == 2)
        // A sender stalled for 50 ms owes three frames at once: the open loop does not skip them.
        #expect(schedule.framesDue(by: 1_070_000_000) == 4)
        #expect(schedule.framesDue(by: 9_000_000_000) == 5)
    }

    @Test func lastFrameBoundsTheRun() {
        let bound = self.plan.lastFrameNanoseconds(handshakeNanoseconds: 1_000_000_000)
        for call in 0..<100 {
            let start = self.plan.startTick(ofCall: call)
            let schedule = self.plan.schedule(
                startTick: start, readyNanoseconds: UInt64(start) * 1_000_000 + 1_000_000_000)
            #expect(schedule.lastFrameNanoseconds <= bound)
        }
    }
}
