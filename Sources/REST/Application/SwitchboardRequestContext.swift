public import Hummingbird

/// The request context every Switchboard route sees: Hummingbird's core storage plus who is
/// calling, set by the API-key middleware before any CRM route runs.
public struct SwitchboardRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The authenticated caller; `nil` only on the open routes (`/health`, `/docs`, ...).
    public var caller: Caller?

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.caller = nil
    }
}
