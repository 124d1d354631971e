/// Accounts for a provider's sequence numbers: they start at 1 and grow by one per message, so a
/// jump means messages were lost on the way.
///
/// A number below the next expected one is a late (reordered) or duplicate message: it is counted
/// as such and, if it fills an earlier gap, no longer counted as lost. Without a per-number set the
/// two cannot be told apart, which is the price of O(1) memory per stream.
public struct SequenceTracker: Sendable, Hashable {
    /// Messages numbered but never seen.
    public private(set) var lost = 0
    /// Messages that arrived after a higher number.
    public private(set) var reordered = 0
    /// The highest number seen.
    public private(set) var highest = 0

    public init() {}

    /// What one observation found.
    public enum Observation: Sendable, Hashable {
        case inOrder
        /// `count` messages before this one are missing.
        case gap(count: Int)
        case late
    }

    @discardableResult
    public mutating func observe(_ sequenceNumber: Int) -> Observation {
        if sequenceNumber == self.highest + 1 {
            self.highest = sequenceNumber
            return .inOrder
        }
        if sequenceNumber > self.highest {
            let missing = sequenceNumber - self.highest - 1
            self.lost += missing
            self.highest = sequenceNumber
            return .gap(count: missing)
        }
        self.reordered += 1
        if self.lost > 0 { self.lost -= 1 }
        return .late
    }
}
