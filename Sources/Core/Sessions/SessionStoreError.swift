/// A session store could not do what was asked. Only one thing can go wrong that callers act on:
/// the shared store did not answer in time (HTTP answers 503, heartbeats are retried).
public struct SessionStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What failed, for logs; never a secret.
    public var reason: String

    public init(unavailable reason: String) {
        self.reason = reason
    }

    public var description: String { "the session store is unavailable: \(self.reason)" }
}
