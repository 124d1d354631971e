import Core
import Foundation
import Media
import SwitchboardTestSupport
import Synchronization

/// Collects the call events a server publishes, for tests to wait on in any order.
final class CallEventRecorder: Sendable {
    private let task: Task<Void, Never>
    private final class Store: Sendable {
        let state = Mutex<(events: [CallEvent], taken: Set<Int>)>(([], []))
    }

    private let store = Store()

    init(bus: any EventBus) {
        let subscription = bus.subscribe(bufferSize: 10_000)
        let store = self.store
        self.task = Task {
            for await event in subscription {
                if case .call(let call) = event { store.state.withLock { $0.events.append(call) } }
            }
        }
    }

    deinit { self.task.cancel() }

    /// The first event of `kind` for `streamSid` not returned before, waiting up to `timeout`.
    func next(_ kind: CallEvent.Kind, streamSid: String, timeout: Duration = .seconds(10)) async throws -> CallEvent {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let found = self.store.state.withLock { state -> CallEvent? in
                for (index, event) in state.events.enumerated()
                where event.kind == kind && event.streamSid == streamSid && !state.taken.contains(index) {
                    state.taken.insert(index)
                    return event
                }
                return nil
            }
            if let found { return found }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw MediaTestError.noEvent(kind.rawValue)
    }
}

enum MediaTestError: Error {
    case noEvent(String)
}

/// 20 ms of a quiet 400 Hz tone in mu-law, different per `seed` so echoes can be told apart.
func toneFrame(seed: Int, count: Int = 160) -> [UInt8] {
    (0..<count).map { index in
        let sample = 3000 * sin(2 * Double.pi * 400 * Double(index + seed * count) / 8000)
        return MuLaw.encode(Int16(sample))
    }
}
