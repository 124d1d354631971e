import Core
import Dispatch
import Testing

/// A `call.updated` event numbered by `sequence` (carried in the timestamp) from `publisher`.
private func event(_ sequence: Int, publisher: Int = 0, kind: CallEvent.Kind = .updated) -> DomainEvent {
    .call(
        CallEvent(
            kind: kind, callSid: "CA\(publisher)", streamSid: "MZ\(publisher)", app: "echo",
            timestampMilliseconds: Int64(sequence)))
}

private func sequence(of event: DomainEvent) -> Int {
    switch event {
    case .call(let call): Int(call.timestampMilliseconds)
    case .ticket(let ticket): Int(ticket.timestampMicroseconds)
    case .presence(let presence): Int(presence.timestampMicroseconds)
    }
}

/// The first `count` events of `subscription`.
private func collect(_ count: Int, from subscription: EventSubscription) async -> [DomainEvent] {
    var events: [DomainEvent] = []
    for await event in subscription {
        events.append(event)
        if events.count == count { break }
    }
    return events
}

/// Waits until `condition` holds, for at most about two seconds; whether it did.
private func eventually(_ condition: () -> Bool) async throws -> Bool {
    for _ in 0..<200 {
        if condition() { return true }
        try await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

@Suite("InProcessEventBus")
struct InProcessEventBusTests {
    @Test func publishReachesEverySubscriberInOrder() async {
        let bus = InProcessEventBus()
        let subscriptions = (0..<3).map { _ in bus.subscribe(bufferSize: 64) }
        #expect(bus.subscriberCount == 3)
        let published = (1...20).map { event($0) }
        for event in published { bus.publish(event) }
        for subscription in subscriptions {
            #expect(await collect(20, from: subscription) == published)
            #expect(subscription.dropped == 0)
        }
    }

    @Test func publishingWithoutSubscribersIsHarmless() {
        let bus = InProcessEventBus()
        #expect(bus.subscriberCount == 0)
        bus.publish(event(1))
        #expect(bus.subscriberCount == 0)
    }

    @Test func aSubscriberSeesOnlyEventsPublishedAfterItSubscribed() async {
        let bus = InProcessEventBus()
        bus.publish(event(1))
        let subscription = bus.subscribe(bufferSize: 8)
        bus.publish(event(2))
        bus.publish(event(3))
        #expect(await collect(2, from: subscription) == [event(2), event(3)])
    }

    @Test func aFullBufferLosesTheOldestAndCountsIt() async {
        let bus = InProcessEventBus()
        let subscription = bus.subscribe(bufferSize: 3)
        for sequence in 1...5 { bus.publish(event(sequence)) }
        #expect(subscription.dropped == 2)
        #expect(await collect(3, from: subscription).map(sequence(of:)) == [3, 4, 5])
        // Room again: nothing more is lost.
        bus.publish(event(6))
        #expect(await collect(1, from: subscription) == [event(6)])
        #expect(subscription.dropped == 2)
    }

    @Test(arguments: [0, -5, 1])
    func aBufferHoldsAtLeastOneEvent(bufferSize: Int) async {
        let bus = InProcessEventBus()
        let subscription = bus.subscribe(bufferSize: bufferSize)
        bus.publish(event(1))
        bus.publish(event(2))
        #expect(subscription.dropped == 1)
        #expect(await collect(1, from: subscription) == [event(2)])
    }

    @Test func aSlowSubscriberDoesNotAffectTheOthers() async {
        let bus = InProcessEventBus()
        let slow = bus.subscribe(bufferSize: 2)
        let roomy = bus.subscribe(bufferSize: 100)
        for sequence in 1...10 { bus.publish(event(sequence)) }
        #expect(slow.dropped == 8)
        #expect(roomy.dropped == 0)
        #expect(await collect(10, from: roomy).map(sequence(of:)) == Array(1...10))
        #expect(await collect(2, from: slow).map(sequence(of:)) == [9, 10])
    }

    @Test func releasingASubscriptionRemovesIt() async throws {
        let bus = InProcessEventBus()
        let kept = bus.subscribe(bufferSize: 8)
        do {
            let released = bus.subscribe(bufferSize: 8)
            #expect(bus.subscriberCount == 2)
            bus.publish(event(1))
            #expect(released.dropped == 0)
        }
        #expect(try await eventually { bus.subscriberCount == 1 })
        bus.publish(event(2))
        #expect(await collect(2, from: kept) == [event(1), event(2)])
    }

    @Test func breakingOutOfTheIterationRemovesTheSubscriber() async throws {
        let bus = InProcessEventBus()
        let reader = Task { () -> DomainEvent? in
            let subscription = bus.subscribe(bufferSize: 8)
            for await event in subscription {
                return event
            }
            return nil
        }
        #expect(try await eventually { bus.subscriberCount == 1 })
        bus.publish(event(7))
        #expect(await reader.value == event(7))
        #expect(try await eventually { bus.subscriberCount == 0 })
    }

    @Test func cancellingTheIteratingTaskRemovesTheSubscriber() async throws {
        let bus = InProcessEventBus()
        let subscription = bus.subscribe(bufferSize: 8)
        let reader = Task {
            var count = 0
            for await _ in subscription { count += 1 }
            return count
        }
        bus.publish(event(1))
        #expect(try await eventually { bus.subscriberCount == 1 })
        reader.cancel()
        _ = await reader.value
        #expect(try await eventually { bus.subscriberCount == 0 })
        // Publishing to nobody afterwards is fine, and the old subscription stays finished.
        bus.publish(event(2))
        #expect(await collect(1, from: subscription).isEmpty)
    }

    @Test func concurrentPublishersLoseNothing() async {
        let bus = InProcessEventBus()
        let publishers = 8
        let perPublisher = 2_000
        let subscriptions = (0..<2).map { _ in bus.subscribe(bufferSize: publishers * perPublisher) }
        DispatchQueue.concurrentPerform(iterations: publishers) { publisher in
            for sequence in 0..<perPublisher { bus.publish(event(sequence, publisher: publisher)) }
        }
        for subscription in subscriptions {
            let events = await collect(publishers * perPublisher, from: subscription)
            #expect(events.count == publishers * perPublisher)
            #expect(subscription.dropped == 0)
            // Each publisher's events arrive in the order it published them.
            var byPublisher: [String: [Int]] = [:]
            for case .call(let call) in events {
                byPublisher[call.callSid, default: []].append(sequence(of: .call(call)))
            }
            #expect(byPublisher.count == publishers)
            for (publisher, sequences) in byPublisher {
                #expect(sequences == Array(0..<perPublisher), "publisher \(publisher)")
            }
        }
    }

    @Test func concurrentSubscribersAndPublishersDoNotCrash() async throws {
        let bus = InProcessEventBus()
        DispatchQueue.concurrentPerform(iterations: 8) { index in
            for sequence in 0..<200 {
                if index.isMultiple(of: 2) {
                    _ = bus.subscribe(bufferSize: 4)
                } else {
                    bus.publish(event(sequence, publisher: index))
                }
            }
        }
        // Every subscription made above was released straight away.
        #expect(try await eventually { bus.subscriberCount == 0 })
    }
}

@Suite("DomainEvent")
struct DomainEventTests {
    @Test(arguments: CallEvent.Kind.allCases)
    func callEventsAreOnTheCallsTopic(kind: CallEvent.Kind) {
        let domainEvent = event(1, kind: kind)
        #expect(domainEvent.topic == "calls")
        #expect(domainEvent.name == kind.rawValue)
    }

    @Test func callEventNames() {
        #expect(CallEvent.Kind.allCases.map(\.rawValue) == ["call.started", "call.updated", "call.ended"])
        #expect(CallEvent.Kind(rawValue: "call.ended") == .ended)
        #expect(CallEvent.Kind(rawValue: "call.stopped") == nil)
    }

    @Test func callEventDefaults() {
        let call = CallEvent(kind: .started, callSid: "CA1", streamSid: "MZ1", app: "echo", timestampMilliseconds: 5)
        #expect(call.accountSid == nil)
        #expect(call.update == CallEvent.Update())
        #expect(call.summary == nil)
        let update = CallEvent.Update()
        #expect(update.levelDBFS == nil && update.isVoice == nil && update.dtmf == nil)
        #expect(update.mark == nil && update.markPlayed == nil)
        let summary = CallEvent.Summary(durationMilliseconds: 1_000, reason: "stop")
        #expect(summary.mediaReceived == 0 && summary.mediaSent == 0 && summary.messagesLost == 0)
        #expect(summary.receiveDropped == 0 && summary.sendDropped == 0)
        #expect(summary.receiveHighWaterMark == 0 && summary.sendHighWaterMark == 0)
        #expect(summary.dtmfDigits == "" && summary.recordingPath == nil)
    }

    @Test func eventsCompareByContent() {
        #expect(event(1) == event(1))
        #expect(event(1) != event(2))
        #expect(event(1, publisher: 1) != event(1, publisher: 2))
        #expect(event(1, kind: .started) != event(1, kind: .ended))
    }
}
