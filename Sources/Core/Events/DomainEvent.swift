/// Every typed event that travels on the ``EventBus``. Later kinds (tickets, presence) are new
/// cases, so a subscriber's `switch` names what it handles.
public enum DomainEvent: Sendable, Hashable {
    case call(CallEvent)
    case ticket(TicketEvent)

    /// The live-protocol topic the event belongs to (`calls`, `tickets`, `presence`).
    public var topic: String {
        switch self {
        case .call: "calls"
        case .ticket: "tickets"
        }
    }

    /// The event name, e.g. `call.started`.
    public var name: String {
        switch self {
        case .call(let event): event.kind.rawValue
        case .ticket(let event): event.kind.rawValue
        }
    }
}
