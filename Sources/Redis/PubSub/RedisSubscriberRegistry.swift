/// Who listens to which channel, and which channels the pub/sub connection is subscribed to.
///
/// The connection's subscriptions follow the listeners: ``changes()`` says what to `SUBSCRIBE`
/// and `UNSUBSCRIBE` to get from what the connection has to what the listeners want, and assumes
/// it is sent. After a reconnect the connection has nothing (``connectionLost()``), so the next
/// ``changes()`` subscribes to everything again. Pure; `Sink` is where messages go (generic for tests).
struct RedisSubscriberRegistry<Sink> {
    private struct Subscriber {
        var channels: [String]
        var sink: Sink
    }

    private var subscribers: [Int: Subscriber] = [:]
    private var listeners: [String: [Int]] = [:]
    private var onConnection: Set<String> = []
    private var nextID = 0
    private(set) var isShutDown = false
    /// Anything ever subscribed: from then on the pub/sub connection is kept up.
    private(set) var isWanted = false

    /// Channels some listener wants.
    var wantedChannels: Set<String> { Set(self.listeners.keys) }

    /// Adds a listener; `nil` once shut down (the caller ends the sink).
    mutating func add(channels: [String], sink: Sink) -> Int? {
        guard !self.isShutDown else { return nil }
        let id = self.nextID
        self.nextID += 1
        let unique = Array(Set(channels)).sorted()
        self.subscribers[id] = Subscriber(channels: unique, sink: sink)
        for channel in unique { self.listeners[channel, default: []].append(id) }
        self.isWanted = true
        return id
    }

    /// Removes a listener (a second call does nothing).
    mutating func remove(_ id: Int) {
        guard let subscriber = self.subscribers.removeValue(forKey: id) else { return }
        for channel in subscriber.channels {
            self.listeners[channel]?.removeAll { $0 == id }
            if self.listeners[channel]?.isEmpty == true { self.listeners[channel] = nil }
        }
    }

    /// Where a message on `channel` goes.
    func sinks(for channel: String) -> [Sink] {
        (self.listeners[channel] ?? []).compactMap { self.subscribers[$0]?.sink }
    }

    /// What the connection must subscribe to and unsubscribe from; recorded as done.
    mutating func changes() -> (subscribe: [String], unsubscribe: [String]) {
        let wanted = self.wantedChannels
        let subscribe = wanted.subtracting(self.onConnection).sorted()
        let unsubscribe = self.onConnection.subtracting(wanted).sorted()
        self.onConnection = wanted
        return (subscribe, unsubscribe)
    }

    /// The connection is gone, and its subscriptions with it.
    mutating func connectionLost() {
        self.onConnection = []
    }

    /// No more listeners; returns every sink, to be ended.
    mutating func shutDown() -> [Sink] {
        self.isShutDown = true
        let sinks = self.subscribers.values.map(\.sink)
        self.subscribers = [:]
        self.listeners = [:]
        return sinks
    }
}
