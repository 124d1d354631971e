import Testing

@testable import Media

/// Feeds `numbers` to a new tracker; its observations and final state.
private func track(_ numbers: [Int]) -> (observations: [SequenceTracker.Observation], tracker: SequenceTracker) {
    var tracker = SequenceTracker()
    let observations = numbers.map { tracker.observe($0) }
    return (observations, tracker)
}

@Suite("SequenceTracker")
struct SequenceTrackerTests {
    @Test func startsEmpty() {
        let tracker = SequenceTracker()
        #expect(tracker.lost == 0)
        #expect(tracker.reordered == 0)
        #expect(tracker.highest == 0)
    }

    @Test func inOrderFromOne() {
        let (observations, tracker) = track(Array(1...100))
        #expect(observations.allSatisfy { $0 == .inOrder })
        #expect(tracker.lost == 0)
        #expect(tracker.reordered == 0)
        #expect(tracker.highest == 100)
    }

    @Test func aGapCountsTheMissingMessages() {
        let (observations, tracker) = track([1, 2, 5])
        #expect(observations == [.inOrder, .inOrder, .gap(count: 2)])
        #expect(tracker.lost == 2)
        #expect(tracker.highest == 5)
        #expect(tracker.reordered == 0)
    }

    @Test func severalGapsAddUp() {
        let (observations, tracker) = track([1, 3, 4, 10, 11, 100])
        #expect(observations == [.inOrder, .gap(count: 1), .inOrder, .gap(count: 5), .inOrder, .gap(count: 88)])
        #expect(tracker.lost == 94)
        #expect(tracker.highest == 100)
    }

    @Test func aFirstMessageAboveOneIsAGap() {
        // The count starts at 1: a stream whose first message is 3 lost 1 and 2.
        let (observations, tracker) = track([3, 4])
        #expect(observations == [.gap(count: 2), .inOrder])
        #expect(tracker.lost == 2)
    }

    @Test func aLateMessageFillsAGap() {
        let (observations, tracker) = track([1, 2, 5, 3])
        #expect(observations == [.inOrder, .inOrder, .gap(count: 2), .late])
        #expect(tracker.lost == 1)
        #expect(tracker.reordered == 1)
        #expect(tracker.highest == 5)
        let (_, filled) = track([1, 2, 5, 4, 3, 6])
        #expect(filled.lost == 0)
        #expect(filled.reordered == 2)
        #expect(filled.highest == 6)
    }

    @Test func duplicatesAreLateAndNeverMakeLostNegative() {
        let (observations, tracker) = track([1, 2, 2, 1, 3])
        #expect(observations == [.inOrder, .inOrder, .late, .late, .inOrder])
        #expect(tracker.lost == 0)
        #expect(tracker.reordered == 2)
        #expect(tracker.highest == 3)
    }

    @Test func aDuplicateOfTheHighestIsLate() {
        let (observations, tracker) = track([1, 1])
        #expect(observations == [.inOrder, .late])
        #expect(tracker.reordered == 1)
        #expect(tracker.highest == 1)
    }

    @Test func zeroAndNegativeNumbersAreLate() {
        let (observations, tracker) = track([0, -5, 1])
        #expect(observations == [.late, .late, .inOrder])
        #expect(tracker.lost == 0)
        #expect(tracker.reordered == 2)
        #expect(tracker.highest == 1)
    }

    @Test func aLateMessageDoesNotMoveTheHighest() {
        var tracker = SequenceTracker()
        tracker.observe(1)
        tracker.observe(10)
        tracker.observe(5)
        #expect(tracker.highest == 10)
        #expect(tracker.observe(11) == .inOrder)
        #expect(tracker.lost == 7)
    }

    @Test func aHugeJumpIsCountedNotAllocated() {
        let (observations, tracker) = track([1, 1_000_001])
        #expect(observations == [.inOrder, .gap(count: 999_999)])
        #expect(tracker.lost == 999_999)
    }

    @Test func trackersCompareByValue() {
        #expect(track([1, 2, 5]).tracker == track([1, 3, 5]).tracker)
        #expect(track([1, 2]).tracker != track([1, 3]).tracker)
    }
}
