/// A binary min-heap: the smallest element first, O(log n) to add or take one.
public struct PriorityQueue<Element: Comparable> {
    private var elements: [Element] = []

    public init() {}

    public var count: Int { self.elements.count }
    public var isEmpty: Bool { self.elements.isEmpty }

    /// The smallest element, left in place.
    public var first: Element? { self.elements.first }

    public mutating func insert(_ element: Element) {
        self.elements.append(element)
        var child = self.elements.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard self.elements[child] < self.elements[parent] else { return }
            self.elements.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the smallest element.
    public mutating func popFirst() -> Element? {
        guard !self.elements.isEmpty else { return nil }
        self.elements.swapAt(0, self.elements.count - 1)
        let first = self.elements.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < self.elements.count else { break }
            let right = left + 1
            let smaller = right < self.elements.count && self.elements[right] < self.elements[left] ? right : left
            guard self.elements[smaller] < self.elements[parent] else { break }
            self.elements.swapAt(smaller, parent)
            parent = smaller
        }
        return first
    }

    /// Removes and returns the smallest element when `isDue` holds for it.
    public mutating func popFirst(where isDue: (Element) -> Bool) -> Element? {
        guard let first = self.elements.first, isDue(first) else { return nil }
        return self.popFirst()
    }
}

extension PriorityQueue: Sendable where Element: Sendable {}
