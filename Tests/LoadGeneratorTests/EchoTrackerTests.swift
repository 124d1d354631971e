import Testing

@testable import LoadGenerator

/// Echo matching: latency from the scheduled time, gaps when the index skips ahead, lost frames
/// counted exactly.
@Suite struct EchoTrackerTests {
    private let schedule = CallSchedule(mediaStartNanoseconds: 1_000_000, frameNanoseconds: 20_000_000, frames: 100)

    @Test func inOrderEchoesMeasureFromTheScheduledTime() {
        var tracker = EchoTracker(frames: 100)
        // Frame 2 is due at 41 ms; its echo arrives at 43.5 ms.
        #expect(
            tracker.record(index: 0, arrival: 2_000_000, schedule: self.schedule)
                == .matched(latencyNanoseconds: 1_000_000, skipped: 0))
        #expect(
            tracker.record(index: 1, arrival: 22_000_000, schedule: self.schedule)
                == .matched(latencyNanoseconds: 1_000_000, skipped: 0))
        #expect(
            tracker.record(index: 2, arrival: 43_500_000, schedule: self.schedule)
                == .matched(latencyNanoseconds: 2_500_000, skipped: 0))
        #expect(tracker.echoed == 3)
        #expect(tracker.gaps == 0)
        #expect(tracker.lost(sent: 3) == 0)
    }

    @Test func aLateSendStillCountsFromTheSchedule() {
        // The sender was stalled 200 ms and sent frame 0 late: its latency includes the stall.
        var tracker = EchoTracker(frames: 100)
        #expect(
            tracker.record(index: 0, arrival: 201_000_000, schedule: self.schedule)
                == .matched(latencyNanoseconds: 200_000_000, skipped: 0))
    }

    @Test func skippingAheadCountsAGapAndTheFramesItSkipped() {
        var tracker = EchoTracker(frames: 100)
        _ = tracker.record(index: 0, arrival: 2_000_000, schedule: self.schedule)
        #expect(
            tracker.record(index: 4, arrival: 90_000_000, schedule: self.schedule)
                == .matched(latencyNanoseconds: 9_000_000, skipped: 3))
        _ = tracker.record(index: 5, arrival: 110_000_000, schedule: self.schedule)
        _ = tracker.record(index: 9, arrival: 190_000_000, schedule: self.schedule)
        #expect(tracker.gaps == 2)
        #expect(tracker.skippedFrames == 6)
        #expect(tracker.lost(sent: 10) == 6)
    }

    @Test func aSkippedFrameArrivingLateIsNotLost() {
        var tracker = EchoTracker(frames: 100)
        _ = tracker.record(index: 0, arrival: 2_000_000, schedule: self.schedule)
        _ = tracker.record(index: 2, arrival: 42_000_000, schedule: self.schedule)
        #expect(
            tracker.record(index: 1, arrival: 43_000_000, schedule: self.schedule)
                == .late(latencyNanoseconds: 22_000_000))
        #expect(tracker.outOfOrder == 1)
        #expect(tracker.lost(sent: 3) == 0)
    }

    @Test func duplicatesAndForeignIndicesAreNotEchoes() {
        var tracker = EchoTracker(frames: 100)
        _ = tracker.record(index: 7, arrival: 200_000_000, schedule: self.schedule)
        #expect(tracker.record(index: 7, arrival: 200_000_001, schedule: self.schedule) == .duplicate)
        #expect(tracker.record(index: 100, arrival: 1, schedule: self.schedule) == .unknown)
        #expect(tracker.record(index: -1, arrival: 1, schedule: self.schedule) == .unknown)
        #expect(tracker.echoed == 1)
        #expect(tracker.duplicates == 1)
    }

    @Test func framesNeverEchoedAreLost() {
        var tracker = EchoTracker(frames: 100)
        for index in 0..<90 { _ = tracker.record(index: index, arrival: 1_000_000_000, schedule: self.schedule) }
        #expect(tracker.lost(sent: 100) == 10)
        #expect(tracker.gaps == 0, "a tail that never came back is loss, not a gap")
    }

    @Test func everyFrameOfALongCallIsTracked() {
        var tracker = EchoTracker(frames: 1500)
        for index in stride(from: 1499, through: 0, by: -1) {
            _ = tracker.record(index: index, arrival: 40_000_000_000, schedule: self.schedule)
        }
        #expect(tracker.echoed == 1500)
        #expect(tracker.duplicates == 0)
    }
}
