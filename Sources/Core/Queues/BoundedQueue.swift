public import NIOCore

/// A FIFO queue that never holds more than its capacity, with counters of what it had to drop.
///
/// Storage is a `CircularBuffer` that grows on demand (doubling) up to the capacity, so an idle
/// connection costs a few words rather than `capacity` slots. Some elements are *essential*
/// (a media `mark` or `clear`): they are never dropped. They still count against the capacity, and
/// to keep memory bounded even then, essential elements alone may fill the queue to twice its
/// capacity before an append reports ``AppendResult/overflow``.
///
/// Everything is `@inlinable`: the queue sits on the per-frame path of other modules, and an
/// unspecialised generic call per append measured ~0.7 µs against a few ns specialised.
public struct BoundedQueue<Element> {
    /// What an append did.
    public enum AppendResult {
        /// The element is queued and nothing was lost.
        case appended
        /// The element is queued; the oldest droppable element was evicted to make room.
        case appendedDroppingOldest(Element)
        /// The queue was full; the new element was not queued and is handed back.
        case droppedNewest(Element)
        /// The queue was full under the ``OverflowPolicy/close`` policy (or essential elements filled
        /// it twice over); the element was not queued and is handed back. The owner should close.
        case overflow(Element)
    }

    @usableFromInline
    struct Entry {
        @usableFromInline
        var element: Element
        @usableFromInline
        var isEssential: Bool

        @inlinable
        init(element: Element, isEssential: Bool) {
            self.element = element
            self.isEssential = isEssential
        }
    }

    public let configuration: BoundedQueueConfiguration
    @usableFromInline
    var entries: CircularBuffer<Entry>
    @usableFromInline
    var essentialCount = 0

    /// Elements evicted or refused since the queue was created.
    @inlinable
    public var droppedCount: Int { self.dropped }
    /// The most elements the queue has held at once.
    @inlinable
    public var highWaterMark: Int { self.mostHeld }

    @usableFromInline
    var dropped = 0
    @usableFromInline
    var mostHeld = 0

    @inlinable
    public init(_ configuration: BoundedQueueConfiguration) {
        self.configuration = configuration
        // Small on purpose: most connections never queue more than a frame or two.
        self.entries = CircularBuffer(initialCapacity: 4)
    }

    @inlinable
    public var count: Int { self.entries.count }
    @inlinable
    public var isEmpty: Bool { self.entries.isEmpty }

    /// Appends `element`, applying the overflow policy when the queue is full.
    /// - Parameter isEssential: an essential element is never dropped, neither now nor later.
    @inlinable
    public mutating func append(_ element: Element, isEssential: Bool = false) -> AppendResult {
        if self.entries.count < self.configuration.capacity {
            self.push(Entry(element: element, isEssential: isEssential))
            return .appended
        }
        if isEssential {
            guard self.entries.count < 2 * self.configuration.capacity else {
                self.dropped += 1
                return .overflow(element)
            }
            if self.configuration.policy == .dropOldest, let evicted = self.evictOldestDroppable() {
                self.push(Entry(element: element, isEssential: true))
                return .appendedDroppingOldest(evicted)
            }
            // An essential element is kept even past capacity: losing a mark would desynchronise the peer.
            self.push(Entry(element: element, isEssential: true))
            return .appended
        }
        switch self.configuration.policy {
        case .dropOldest:
            if let evicted = self.evictOldestDroppable() {
                self.push(Entry(element: element, isEssential: false))
                return .appendedDroppingOldest(evicted)
            }
            self.dropped += 1
            return .droppedNewest(element)
        case .dropNewest:
            self.dropped += 1
            return .droppedNewest(element)
        case .close:
            self.dropped += 1
            return .overflow(element)
        }
    }

    /// Removes and returns the oldest element.
    @inlinable
    public mutating func popFirst() -> Element? {
        guard let entry = self.entries.popFirst() else { return nil }
        if entry.isEssential { self.essentialCount -= 1 }
        return entry.element
    }

    /// Removes every element.
    @inlinable
    public mutating func removeAll() {
        self.entries.removeAll(keepingCapacity: false)
        self.essentialCount = 0
    }

    /// Removes every droppable element, keeping essential ones in order; returns how many went.
    /// Not counted in ``droppedCount``: the owner discarded them on purpose.
    @inlinable
    @discardableResult
    public mutating func removeDroppable() -> Int {
        let before = self.entries.count
        guard self.essentialCount < before else { return 0 }
        var kept = CircularBuffer<Entry>(initialCapacity: max(4, self.essentialCount))
        for entry in self.entries where entry.isEssential {
            kept.append(entry)
        }
        self.entries = kept
        return before - kept.count
    }

    @inlinable
    mutating func push(_ entry: Entry) {
        if entry.isEssential { self.essentialCount += 1 }
        self.entries.append(entry)
        self.mostHeld = max(self.mostHeld, self.entries.count)
    }

    @inlinable
    mutating func evictOldestDroppable() -> Element? {
        guard self.essentialCount < self.entries.count else { return nil }
        // The head is droppable in the common case: pop it in O(1). `remove(at:)` shifts the
        // elements after the index, so it is kept for the rare case of essentials at the front.
        if !self.entries[self.entries.startIndex].isEssential {
            self.dropped += 1
            return self.entries.removeFirst().element
        }
        var index = self.entries.startIndex
        while self.entries[index].isEssential {
            index = self.entries.index(after: index)
        }
        let evicted = self.entries.remove(at: index)
        self.dropped += 1
        return evicted.element
    }
}
