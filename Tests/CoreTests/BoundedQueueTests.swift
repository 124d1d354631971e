import SwitchboardTestSupport
import Testing

@testable import Core

/// `AppendResult` is generic and not `Equatable`; this flattens it for `#expect`.
enum Outcome: Equatable, CustomStringConvertible {
    case appended
    case droppedOldest(Int)
    case droppedNewest(Int)
    case overflow(Int)

    init(_ result: BoundedQueue<Int>.AppendResult) {
        switch result {
        case .appended: self = .appended
        case .appendedDroppingOldest(let evicted): self = .droppedOldest(evicted)
        case .droppedNewest(let refused): self = .droppedNewest(refused)
        case .overflow(let refused): self = .overflow(refused)
        }
    }

    var description: String {
        switch self {
        case .appended: "appended"
        case .droppedOldest(let value): "droppedOldest(\(value))"
        case .droppedNewest(let value): "droppedNewest(\(value))"
        case .overflow(let value): "overflow(\(value))"
        }
    }
}

extension BoundedQueue where Element == Int {
    init(capacity: Int, policy: OverflowPolicy) {
        self.init(BoundedQueueConfiguration(capacity: capacity, policy: policy))
    }

    mutating func add(_ element: Int, essential: Bool = false) -> Outcome {
        Outcome(self.append(element, isEssential: essential))
    }

    /// The contents in order, read from a copy so the queue itself is untouched.
    var contents: [Int] {
        var copy = self
        var elements: [Int] = []
        while let element = copy.popFirst() { elements.append(element) }
        return elements
    }
}

@Suite("BoundedQueue")
struct BoundedQueueTests {
    @Test("below capacity every policy appends", arguments: [OverflowPolicy.dropOldest, .dropNewest, .close])
    func belowCapacity(policy: OverflowPolicy) {
        var queue = BoundedQueue(capacity: 3, policy: policy)
        #expect(queue.isEmpty)
        #expect(queue.add(1) == .appended)
        #expect(queue.add(2) == .appended)
        #expect(queue.add(3) == .appended)
        #expect(queue.contents == [1, 2, 3])
        #expect(queue.count == 3)
        #expect(queue.droppedCount == 0)
        #expect(queue.highWaterMark == 3)
    }

    @Test func dropOldestEvictsTheHeadAtCapacity() {
        var queue = BoundedQueue(capacity: 3, policy: .dropOldest)
        for value in 1...3 { _ = queue.add(value) }
        #expect(queue.add(4) == .droppedOldest(1))
        #expect(queue.add(5) == .droppedOldest(2))
        #expect(queue.contents == [3, 4, 5])
        #expect(queue.droppedCount == 2)
        #expect(queue.highWaterMark == 3)
    }

    @Test func dropNewestRefusesTheNewElementAtCapacity() {
        var queue = BoundedQueue(capacity: 3, policy: .dropNewest)
        for value in 1...3 { _ = queue.add(value) }
        #expect(queue.add(4) == .droppedNewest(4))
        #expect(queue.add(5) == .droppedNewest(5))
        #expect(queue.contents == [1, 2, 3])
        #expect(queue.droppedCount == 2)
    }

    @Test func closePolicyReportsOverflowAndKeepsTheContents() {
        var queue = BoundedQueue(capacity: 3, policy: .close)
        for value in 1...3 { _ = queue.add(value) }
        #expect(queue.add(4) == .overflow(4))
        #expect(queue.contents == [1, 2, 3])
        #expect(queue.droppedCount == 1)
    }

    @Test func capacityOneStillFollowsThePolicy() {
        var oldest = BoundedQueue(capacity: 1, policy: .dropOldest)
        #expect(oldest.add(1) == .appended)
        #expect(oldest.add(2) == .droppedOldest(1))
        #expect(oldest.contents == [2])

        var newest = BoundedQueue(capacity: 1, policy: .dropNewest)
        #expect(newest.add(1) == .appended)
        #expect(newest.add(2) == .droppedNewest(2))
        #expect(newest.contents == [1])
    }

    @Test func dropOldestSkipsEssentialElementsAtTheHead() {
        var queue = BoundedQueue(capacity: 4, policy: .dropOldest)
        _ = queue.add(1, essential: true)
        _ = queue.add(2, essential: true)
        _ = queue.add(3)
        _ = queue.add(4)
        #expect(queue.add(5) == .droppedOldest(3))
        #expect(queue.add(6) == .droppedOldest(4))
        #expect(queue.contents == [1, 2, 5, 6])
        #expect(queue.droppedCount == 2)
    }

    @Test func anEssentialAppendUnderDropOldestEvictsADroppableElement() {
        var queue = BoundedQueue(capacity: 2, policy: .dropOldest)
        _ = queue.add(1)
        _ = queue.add(2)
        #expect(queue.add(3, essential: true) == .droppedOldest(1))
        #expect(queue.add(4, essential: true) == .droppedOldest(2))
        #expect(queue.contents == [3, 4])
        #expect(queue.count == 2)
    }

    @Test func dropOldestWithOnlyEssentialsQueuedRefusesADroppableElement() {
        var queue = BoundedQueue(capacity: 2, policy: .dropOldest)
        _ = queue.add(1, essential: true)
        _ = queue.add(2, essential: true)
        #expect(queue.add(3) == .droppedNewest(3))
        #expect(queue.contents == [1, 2])
        #expect(queue.droppedCount == 1)
    }

    @Test(
        "essential elements may fill twice the capacity, then overflow",
        arguments: [OverflowPolicy.dropOldest, .dropNewest, .close]
    )
    func essentialsUpToTwiceTheCapacity(policy: OverflowPolicy) {
        var queue = BoundedQueue(capacity: 3, policy: policy)
        for value in 1...6 {
            #expect(queue.add(value, essential: true) == .appended, "element \(value)")
        }
        #expect(queue.count == 6)
        #expect(queue.highWaterMark == 6)
        #expect(queue.add(7, essential: true) == .overflow(7))
        #expect(queue.contents == [1, 2, 3, 4, 5, 6])
    }

    /// `droppedCount` is documented as "elements evicted or refused"; an essential element refused
    /// with `.overflow` is refused like any other.
    @Test(arguments: [OverflowPolicy.dropOldest, .dropNewest, .close])
    func aRefusedEssentialElementCountsAsDropped(policy: OverflowPolicy) {
        var queue = BoundedQueue(capacity: 1, policy: policy)
        _ = queue.add(1, essential: true)
        _ = queue.add(2, essential: true)
        #expect(queue.add(3, essential: true) == .overflow(3))
        #expect(queue.droppedCount == 1)
    }

    @Test(arguments: [OverflowPolicy.dropNewest, .close])
    func essentialsPastCapacityStillRefuseDroppableElements(policy: OverflowPolicy) {
        var queue = BoundedQueue(capacity: 2, policy: policy)
        _ = queue.add(1)
        _ = queue.add(2)
        #expect(queue.add(3, essential: true) == .appended)
        #expect(queue.count == 3)
        let expected: Outcome = policy == .close ? .overflow(4) : .droppedNewest(4)
        #expect(queue.add(4) == expected)
        #expect(queue.contents == [1, 2, 3])
    }

    @Test func popFirstReturnsElementsInArrivalOrder() {
        var queue = BoundedQueue(capacity: 8, policy: .dropOldest)
        _ = queue.add(1)
        _ = queue.add(2, essential: true)
        _ = queue.add(3)
        #expect(queue.popFirst() == 1)
        #expect(queue.popFirst() == 2)
        _ = queue.add(4)
        #expect(queue.popFirst() == 3)
        #expect(queue.popFirst() == 4)
        #expect(queue.popFirst() == nil)
        #expect(queue.isEmpty)
    }

    @Test func poppingEssentialsFreesThemForEviction() {
        // If popping forgot an essential element, the queue would believe nothing is droppable.
        var queue = BoundedQueue(capacity: 2, policy: .dropOldest)
        _ = queue.add(1, essential: true)
        _ = queue.add(2, essential: true)
        _ = queue.popFirst()
        _ = queue.popFirst()
        _ = queue.add(3)
        _ = queue.add(4)
        #expect(queue.add(5) == .droppedOldest(3))
        #expect(queue.contents == [4, 5])
    }

    @Test func removeAllEmptiesTheQueueAndKeepsTheCounters() {
        var queue = BoundedQueue(capacity: 2, policy: .dropOldest)
        _ = queue.add(1, essential: true)
        _ = queue.add(2, essential: true)
        _ = queue.add(3, essential: true)
        _ = queue.add(4)
        queue.removeAll()
        #expect(queue.isEmpty)
        #expect(queue.count == 0)
        #expect(queue.popFirst() == nil)
        #expect(queue.droppedCount == 1)
        #expect(queue.highWaterMark == 3)
        // The essential elements are gone too, so droppable ones can be evicted again.
        _ = queue.add(5)
        _ = queue.add(6)
        #expect(queue.add(7) == .droppedOldest(5))
        #expect(queue.contents == [6, 7])
    }

    @Test func highWaterMarkTracksThePeak() {
        var queue = BoundedQueue(capacity: 10, policy: .dropNewest)
        for value in 1...4 { _ = queue.add(value) }
        _ = queue.popFirst()
        _ = queue.popFirst()
        _ = queue.add(5)
        #expect(queue.count == 3)
        #expect(queue.highWaterMark == 4)
    }
}

// MARK: - Against a reference model

/// The documented rules, written as plainly as possible over an array, to compare the real queue
/// with over long random sequences.
struct ReferenceQueue {
    let capacity: Int
    let policy: OverflowPolicy
    private(set) var items: [(value: Int, essential: Bool)] = []
    private(set) var dropped = 0
    private(set) var highWaterMark = 0

    init(capacity: Int, policy: OverflowPolicy) {
        self.capacity = capacity
        self.policy = policy
    }

    var values: [Int] { self.items.map(\.value) }

    mutating func append(_ value: Int, essential: Bool) -> Outcome {
        if self.items.count < self.capacity {
            self.push(value, essential: essential)
            return .appended
        }
        if essential && self.items.count >= 2 * self.capacity {
            self.dropped += 1
            return .overflow(value)
        }
        if self.policy == .dropOldest, let index = self.items.firstIndex(where: { !$0.essential }) {
            let evicted = self.items.remove(at: index)
            self.dropped += 1
            self.push(value, essential: essential)
            return .droppedOldest(evicted.value)
        }
        if essential {
            self.push(value, essential: true)
            return .appended
        }
        self.dropped += 1
        return self.policy == .close ? .overflow(value) : .droppedNewest(value)
    }

    mutating func popFirst() -> Int? {
        self.items.isEmpty ? nil : self.items.removeFirst().value
    }

    mutating func removeAll() {
        self.items.removeAll()
    }

    private mutating func push(_ value: Int, essential: Bool) {
        self.items.append((value, essential))
        self.highWaterMark = max(self.highWaterMark, self.items.count)
    }
}

@Suite("BoundedQueue against a reference model")
struct BoundedQueueModelTests {
    @Test(arguments: [OverflowPolicy.dropOldest, .dropNewest, .close], [1, 2, 3, 7])
    func randomSequencesMatchTheModel(policy: OverflowPolicy, capacity: Int) {
        for seed: UInt64 in 1...4 {
            var random = SplitMix64(seed: seed &* 7919 &+ UInt64(capacity))
            var queue = BoundedQueue(capacity: capacity, policy: policy)
            var model = ReferenceQueue(capacity: capacity, policy: policy)
            for step in 0..<3000 {
                let context = "seed \(seed), step \(step)"
                let roll = Int.random(in: 0..<100, using: &random)
                switch roll {
                case 0..<60:
                    let essential = Int.random(in: 0..<100, using: &random) < 25
                    let real = queue.add(step, essential: essential)
                    let expected = model.append(step, essential: essential)
                    guard real == expected else {
                        Issue.record("append(essential: \(essential)) gave \(real), model \(expected); \(context)")
                        return
                    }
                case 60..<98:
                    let real = queue.popFirst()
                    let expected = model.popFirst()
                    guard real == expected else {
                        let got = String(describing: real)
                        Issue.record("popFirst gave \(got), model \(String(describing: expected)); \(context)")
                        return
                    }
                default:
                    queue.removeAll()
                    model.removeAll()
                }
                guard queue.contents == model.values, queue.count == model.values.count,
                    queue.droppedCount == model.dropped, queue.highWaterMark == model.highWaterMark
                else {
                    Issue.record(
                        """
                        diverged after \(context): contents \(queue.contents) vs \(model.values), \
                        dropped \(queue.droppedCount) vs \(model.dropped), \
                        high water \(queue.highWaterMark) vs \(model.highWaterMark)
                        """
                    )
                    return
                }
            }
        }
    }
}

@Suite("BoundedQueue.removeDroppable")
struct BoundedQueueRemoveDroppableTests {
    @Test(arguments: [OverflowPolicy.dropOldest, .dropNewest, .close])
    func keepsEssentialElementsInOrder(policy: OverflowPolicy) {
        var queue = BoundedQueue(capacity: 10, policy: policy)
        for (value, essential) in [(1, false), (2, true), (3, false), (4, true), (5, false), (6, true)] {
            #expect(queue.add(value, essential: essential) == .appended)
        }
        #expect(queue.removeDroppable() == 3)
        #expect(queue.contents == [2, 4, 6])
        #expect(queue.count == 3)
        #expect(queue.droppedCount == 0)
        #expect(queue.highWaterMark == 6)
        // A second call finds nothing more to remove.
        #expect(queue.removeDroppable() == 0)
        #expect(queue.contents == [2, 4, 6])
    }

    @Test func emptyQueue() {
        var queue = BoundedQueue(capacity: 3, policy: .dropOldest)
        #expect(queue.removeDroppable() == 0)
        #expect(queue.isEmpty)
        #expect(queue.droppedCount == 0)
    }

    @Test func onlyDroppableElements() {
        var queue = BoundedQueue(capacity: 3, policy: .dropOldest)
        for value in 1...3 { _ = queue.add(value) }
        #expect(queue.removeDroppable() == 3)
        #expect(queue.isEmpty)
        #expect(queue.popFirst() == nil)
        #expect(queue.droppedCount == 0)
    }

    @Test func onlyEssentialElementsEvenPastCapacity() {
        var queue = BoundedQueue(capacity: 2, policy: .dropNewest)
        for value in 1...4 { #expect(queue.add(value, essential: true) == .appended) }
        #expect(queue.removeDroppable() == 0)
        #expect(queue.contents == [1, 2, 3, 4])
    }

    @Test func earlierDropsStayCounted() {
        var queue = BoundedQueue(capacity: 2, policy: .dropOldest)
        _ = queue.add(1, essential: true)
        _ = queue.add(2)
        #expect(queue.add(3) == .droppedOldest(2))
        #expect(queue.droppedCount == 1)
        #expect(queue.removeDroppable() == 1)
        #expect(queue.droppedCount == 1)
        #expect(queue.contents == [1])
    }

    @Test func orderSurvivesAWrappedBuffer() {
        var queue = BoundedQueue(capacity: 8, policy: .dropOldest)
        // Fill and drain so the circular storage's head moves, then wrap around its end.
        for value in 1...4 { _ = queue.add(value) }
        for _ in 1...3 { _ = queue.popFirst() }
        for value in 5...10 { _ = queue.add(value, essential: value.isMultiple(of: 2)) }
        #expect(queue.contents == [4, 5, 6, 7, 8, 9, 10])
        #expect(queue.removeDroppable() == 4)
        #expect(queue.contents == [6, 8, 10])
    }

    @Test func theQueueWorksNormallyAfterwards() {
        var queue = BoundedQueue(capacity: 3, policy: .dropOldest)
        _ = queue.add(1)
        _ = queue.add(2, essential: true)
        _ = queue.add(3)
        #expect(queue.removeDroppable() == 2)
        // Capacity is free again, and eviction still skips the essential element.
        #expect(queue.add(4) == .appended)
        #expect(queue.add(5) == .appended)
        #expect(queue.add(6) == .droppedOldest(4))
        #expect(queue.contents == [2, 5, 6])
        #expect(queue.popFirst() == 2)
        // With the essential element gone, the head is evicted again.
        #expect(queue.add(7) == .appended)
        #expect(queue.add(8) == .droppedOldest(5))
        #expect(queue.contents == [6, 7, 8])
        #expect(queue.droppedCount == 2)
    }
}
