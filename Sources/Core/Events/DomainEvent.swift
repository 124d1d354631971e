/// Every typed event that travels on the ``EventBus``. Each kind is a case, so a subscriber's
/// `switch` names what it handles.
public enum DomainEvent: Sendable, Hashable {
    case call(CallEvent)
    case ticket(TicketEvent)
    case presence(PresenceEvent)

    /// The live-protocol topic the event belongs to (`calls`, `tickets`, `presence`).
    public var topic: String {
        switch self {
        case .call: "calls"
        case .ticket: "tickets"
        case .presence: "presence"
        }
    }

    /// The event name, e.g. `call.started`.
    public var name: String {
        switch self {
        case .call(let event): event.kind.rawValue
        case .ticket(let event): event.kind.rawValue
        case .presence: PresenceEvent.name
        }
    }
}
