import SwitchboardTestSupport
import Testing

@testable import Redis

@Suite("ReconnectBackoff")
struct ReconnectBackoffTests {
    @Test func stepsDoubleUpToTheMaximumAndEachDelayIsInTheUpperHalfOfItsStep() {
        var backoff = ReconnectBackoff(initial: .milliseconds(50), maximum: .seconds(2))
        var random = SplitMix64(seed: 7)
        let steps: [Duration] = [
            .milliseconds(50), .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800),
            .milliseconds(1600), .seconds(2), .seconds(2), .seconds(2),
        ]
        for (attempt, step) in steps.enumerated() {
            #expect(backoff.step == step, "attempt \(attempt)")
            let delay = backoff.nextDelay(using: &random)
            #expect(delay >= step / 2 && delay <= step, "attempt \(attempt): \(delay)")
        }
    }

    @Test func delaysAreSpreadNotInStep() {
        var random = SplitMix64(seed: 42)
        var delays: Set<Duration> = []
        var lowest = Duration.seconds(10)
        var highest = Duration.zero
        for _ in 0..<1000 {
            var backoff = ReconnectBackoff(initial: .milliseconds(100), maximum: .seconds(2))
            let delay = backoff.nextDelay(using: &random)
            delays.insert(delay)
            lowest = min(lowest, delay)
            highest = max(highest, delay)
        }
        #expect(delays.count > 900)
        #expect(lowest >= .milliseconds(50) && lowest < .milliseconds(55))
        #expect(highest <= .milliseconds(100) && highest > .milliseconds(95))
    }

    @Test func aResetStartsOverFromTheInitialDelay() {
        var backoff = ReconnectBackoff(initial: .milliseconds(50), maximum: .seconds(2))
        var random = SplitMix64(seed: 1)
        for _ in 0..<100 { _ = backoff.nextDelay(using: &random) }
        #expect(backoff.step == .seconds(2))
        backoff.reset()
        #expect(backoff.step == .milliseconds(50))
        #expect(backoff.nextDelay(using: &random) <= .milliseconds(50))
    }
}
