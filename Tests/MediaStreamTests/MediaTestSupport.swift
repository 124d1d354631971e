import Core
import Foundation
import Media
import SwitchboardTestSupport

/// Collects the call events a server publishes, for tests to wait on.
final class CallEventRecorder: Sendable {
    private let task: Task<Void, Never>
    private let events = AsyncStream<CallEvent>.makeStream(bufferingPolicy: .unbounded)

    init(bus: any EventBus) {
        let subscription = bus.subscribe(bufferSize: 10_000)
        let continuation = self.events.continuation
        self.task = Task {
            for await event in subscription {
                if case .call(let call) = event { continuation.yield(call) }
            }
        }
    }

    deinit { self.task.cancel() }

    /// The next event of `kind` for `streamSid`, waiting up to `timeout`.
    func next(_ kind: CallEvent.Kind, streamSid: String, timeout: Duration = .seconds(10)) async throws -> CallEvent {
        try await withThrowingTaskGroup(of: CallEvent?.self) { group in
            group.addTask {
                for await event in self.events.stream where event.kind == kind && event.streamSid == streamSid {
                    return event
                }
                return nil
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let event = try await group.next() ?? nil else { throw MediaTestError.noEvent(kind.rawValue) }
            return event
        }
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
