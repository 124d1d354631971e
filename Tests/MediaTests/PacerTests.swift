import Media
import NIOCore
import Testing

@Suite("Pacer")
struct PacerTests {
    /// An arbitrary uptime, far from zero so that deadlines before the start are representable.
    static let origin = NIODeadline.uptimeNanoseconds(1_000_000_000_000)
    static let frame = TimeAmount.milliseconds(20)
    static let lead = TimeAmount.milliseconds(100)

    @Test func defaultsAre20msFramesAnd100msLead() {
        let configuration = Pacer.Configuration()
        #expect(configuration.frameDuration == .milliseconds(20))
        #expect(configuration.lead == .milliseconds(100))
        #expect(configuration.maximumBurst == 5)
        #expect(Pacer.Configuration(lead: .zero).maximumBurst == 1)
        #expect(Pacer.Configuration(lead: .milliseconds(50)).maximumBurst == 2)
    }

    @Test func steadyTicksReleaseOneFrameEachAfterTheLeadBurst() {
        var pacer = Pacer(start: Self.origin)
        #expect(pacer.release(now: Self.origin) == 5)
        #expect(pacer.releasedMediaTime == Self.lead)
        for tick in 1...1000 {
            #expect(pacer.release(now: Self.origin + Self.frame * Int64(tick)) == 1, "tick \(tick)")
        }
        #expect(pacer.releasedFrames == 1005)
        #expect(pacer.skippedFrames == 0)
        #expect(pacer.stallCount == 0)
    }

    @Test func nothingIsReleasedTwiceOrEarly() {
        var pacer = Pacer(start: Self.origin)
        #expect(pacer.release(now: Self.origin) == 5)
        #expect(pacer.release(now: Self.origin) == 0)
        #expect(pacer.release(now: Self.origin + .milliseconds(19)) == 0)
        #expect(pacer.release(now: Self.origin + .milliseconds(20)) == 1)
        // Time going backwards (a caller bug) releases nothing rather than trapping.
        #expect(pacer.release(now: Self.origin - .seconds(5)) == 0)
        #expect(pacer.releasedFrames == 6)
    }

    @Test func beforeTheStartOnlyWhatTheLeadCoversIsDue() {
        var pacer = Pacer(start: Self.origin)
        #expect(pacer.release(now: Self.origin - .milliseconds(200)) == 0)
        // 40 ms before the start, the lead reaches 60 ms of media time.
        #expect(pacer.release(now: Self.origin - .milliseconds(40)) == 3)
    }

    @Test func nextDeadlineIsExact() {
        var pacer = Pacer(start: Self.origin)
        // Before anything is sent the first frame was due 80 ms before the start.
        #expect(pacer.nextDeadline() == Self.origin - .milliseconds(80))
        #expect(pacer.release(now: Self.origin) == 5)
        #expect(pacer.nextDeadline() == Self.origin + .milliseconds(20))
        for _ in 0..<100 {
            let deadline = pacer.nextDeadline()
            #expect(pacer.release(now: deadline - .nanoseconds(1)) == 0)
            #expect(pacer.release(now: deadline) == 1)
        }
        #expect(pacer.nextDeadline() == Self.origin + .milliseconds(20 * 101))
    }

    /// Over 10,000 frames of irregular ticks, the released media time stays within one frame below
    /// `elapsed + lead`, and timer lateness never accumulates.
    @Test func jitteryTicksNeverDrift() {
        var pacer = Pacer(start: Self.origin)
        let ticks: [Int64] = [7, 33, 20, 1, 39, 12, 28, 0, 45, 15]
        var random = TestRandom(seed: 20)
        var now = Self.origin
        var released = 0
        var maximumBurst = 0
        while released < 10_000 {
            let burst = pacer.release(now: now)
            released += burst
            maximumBurst = max(maximumBurst, burst)
            let target = (now - Self.origin).nanoseconds + Self.lead.nanoseconds
            let media = Int64(released) * Self.frame.nanoseconds
            #expect(media <= target && target - media < Self.frame.nanoseconds, "at \(now - Self.origin)")
            let jitter = Int64.random(in: 0...999_999, using: &random)
            now = now + .milliseconds(ticks.randomElement(using: &random)!) + .nanoseconds(jitter)
        }
        #expect(pacer.stallCount == 0)
        #expect(pacer.skippedFrames == 0)
        #expect(pacer.start == Self.origin)
        #expect(maximumBurst <= 5)
    }

    @Test func aStallReleasesAtMostTheLeadAndRebases() {
        var pacer = Pacer(start: Self.origin)
        #expect(pacer.release(now: Self.origin) == 5)
        #expect(pacer.release(now: Self.origin + .milliseconds(20)) == 1)
        // The loop stalls for two seconds: 100 frames are due, only the lead's worth goes.
        let resumed = Self.origin + .milliseconds(2020)
        #expect(pacer.release(now: resumed) == 5)
        #expect(pacer.skippedFrames == 95)
        #expect(pacer.stallCount == 1)
        #expect(pacer.releasedFrames == 11)
        // Back on schedule from `resumed`, one lead ahead: no catch-up burst follows.
        #expect(pacer.start == resumed + Self.lead - .milliseconds(220))
        #expect(pacer.release(now: resumed) == 0)
        #expect(pacer.nextDeadline() == resumed + Self.frame)
        for tick in 1...50 {
            #expect(pacer.release(now: resumed + Self.frame * Int64(tick)) == 1)
        }
        #expect(pacer.stallCount == 1)
    }

    @Test func aDelayShorterThanTheLeadIsMadeUpInFull() {
        var pacer = Pacer(start: Self.origin)
        #expect(pacer.release(now: Self.origin) == 5)
        // 100 ms late: five frames are due, within the burst limit, so nothing is skipped.
        #expect(pacer.release(now: Self.origin + .milliseconds(100)) == 5)
        #expect(pacer.skippedFrames == 0)
        #expect(pacer.stallCount == 0)
        #expect(pacer.release(now: Self.origin + .milliseconds(220)) == 5)
        #expect(pacer.skippedFrames == 1)
        #expect(pacer.stallCount == 1)
    }

    @Test func resetStartsOverWithALeadBurst() {
        var pacer = Pacer(start: Self.origin)
        #expect(pacer.release(now: Self.origin) == 5)
        #expect(pacer.release(now: Self.origin + .milliseconds(40)) == 2)
        let cleared = Self.origin + .milliseconds(47)
        pacer.reset(now: cleared)
        #expect(pacer.releasedFrames == 0)
        #expect(pacer.start == cleared)
        #expect(pacer.release(now: cleared) == 5)
        #expect(pacer.nextDeadline() == cleared + Self.frame)
    }

    @Test func otherFrameDurationsAndNoLead() {
        var pacer = Pacer(configuration: .init(frameDuration: .milliseconds(30), lead: .zero), start: Self.origin)
        // Without a lead, a frame goes once its whole duration has passed.
        #expect(pacer.release(now: Self.origin) == 0)
        #expect(pacer.nextDeadline() == Self.origin + .milliseconds(30))
        #expect(pacer.release(now: Self.origin + .milliseconds(30)) == 1)
        #expect(pacer.release(now: Self.origin + .milliseconds(60)) == 1)
        // A burst of one at most: 90 ms late releases one frame and skips two.
        #expect(pacer.release(now: Self.origin + .milliseconds(150)) == 1)
        #expect(pacer.skippedFrames == 2)
    }
}
