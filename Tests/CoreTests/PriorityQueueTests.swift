import Core
import Testing

@Suite("Priority queue")
struct PriorityQueueTests {
    @Test("Elements come out smallest first, duplicates and all")
    func sorted() {
        var generator = SystemRandomNumberGenerator()
        for count in [0, 1, 2, 3, 10, 1000] {
            let values = (0..<count).map { _ in Int.random(in: 0..<50, using: &generator) }
            var queue = PriorityQueue<Int>()
            for value in values { queue.insert(value) }
            #expect(queue.count == count)
            var popped: [Int] = []
            while let value = queue.popFirst() { popped.append(value) }
            #expect(popped == values.sorted())
            #expect(queue.isEmpty && queue.first == nil)
        }
    }

    @Test("Taking only what is due leaves the rest, and inserts in between keep the order")
    func due() {
        var queue = PriorityQueue<Int>()
        for value in [30, 10, 20] { queue.insert(value) }
        #expect(queue.popFirst { $0 < 15 } == 10)
        #expect(queue.popFirst { $0 < 15 } == nil)
        #expect(queue.first == 20)
        queue.insert(5)
        #expect(queue.popFirst { $0 < 25 } == 5)
        #expect(queue.popFirst { $0 < 25 } == 20)
        #expect(queue.popFirst() == 30)
    }
}
