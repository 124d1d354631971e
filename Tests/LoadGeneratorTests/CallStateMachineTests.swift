import Testing

@testable import LoadGenerator

/// The call's life, driven by ticks: every path ends in `finished` by itself.
@Suite struct CallStateMachineTests {
    private let ms: UInt64 = 1_000_000
    private var timing: CallStateMachine.Timing {
        .init(connectTimeout: 5_000 * self.ms, drain: 2_000 * self.ms, closeTimeout: 1_000 * self.ms)
    }
    private var schedule: CallSchedule {
        CallSchedule(mediaStartNanoseconds: 100 * self.ms, frameNanoseconds: 20 * self.ms, frames: 3)
    }

    private func streaming(_ timing: CallStateMachine.Timing? = nil) -> CallStateMachine {
        var machine = CallStateMachine(timing: timing ?? self.timing)
        machine.connectStarted(now: 0)
        machine.upgraded(schedule: self.schedule)
        return machine
    }

    @Test func sendsDueFramesThenDrainsThenCloses() {
        var machine = self.streaming()
        #expect(machine.tick(now: 99 * self.ms, allEchoed: true).sendFrames.isEmpty)
        #expect(machine.tick(now: 100 * self.ms, allEchoed: false).sendFrames == 0..<1)
        #expect(machine.tick(now: 120 * self.ms, allEchoed: false).sendFrames == 1..<2)
        let last = machine.tick(now: 140 * self.ms, allEchoed: false)
        #expect(last.sendFrames == 2..<3)
        #expect(machine.state == .draining(deadline: 2_140 * self.ms))
        #expect(!machine.tick(now: 160 * self.ms, allEchoed: false).sendStopAndClose)
        // Everything came back: no need to wait out the drain.
        #expect(machine.tick(now: 180 * self.ms, allEchoed: true).sendStopAndClose)
        #expect(machine.state == .closing(deadline: 1_180 * self.ms))
        #expect(machine.serverClosed().closeChannel)
        #expect(machine.state == .finished)
        #expect(!machine.endedByServer)
    }

    @Test func aLateTickSendsEveryFrameItOwes() {
        var machine = self.streaming()
        #expect(machine.tick(now: 145 * self.ms, allEchoed: false).sendFrames == 0..<3)
    }

    @Test func missingEchoesWaitForTheDrainDeadline() {
        var machine = self.streaming()
        _ = machine.tick(now: 140 * self.ms, allEchoed: false)
        #expect(!machine.tick(now: 2_139 * self.ms, allEchoed: false).sendStopAndClose)
        #expect(machine.tick(now: 2_140 * self.ms, allEchoed: false).sendStopAndClose)
        // The server never answers our close: the channel is closed anyway.
        #expect(machine.tick(now: 3_140 * self.ms, allEchoed: false).closeChannel)
        #expect(machine.state == .finished)
    }

    @Test func aHandshakeThatNeverCompletesFails() {
        var machine = CallStateMachine(timing: self.timing)
        machine.connectStarted(now: 10 * self.ms)
        #expect(machine.tick(now: 5_009 * self.ms, allEchoed: true) == .none)
        let actions = machine.tick(now: 5_010 * self.ms, allEchoed: true)
        #expect(actions.failure != nil)
        #expect(actions.closeChannel)
        #expect(machine.state == .finished)
    }

    @Test func slowConsumerStopsReadingAndResumesForTheDrain() {
        var timing = self.timing
        timing.stallAfter = 30 * self.ms
        var machine = self.streaming(timing)
        #expect(!machine.tick(now: 120 * self.ms, allEchoed: false).stopReading)
        let stall = machine.tick(now: 130 * self.ms, allEchoed: false)
        #expect(stall.stopReading)
        #expect(machine.isStalled)
        let last = machine.tick(now: 140 * self.ms, allEchoed: false)
        #expect(last.sendFrames == 2..<3, "a slow consumer keeps sending")
        #expect(last.resumeReading)
    }

    @Test func aServerCloseMidCallIsAnsweredAndCounted() {
        var machine = self.streaming()
        _ = machine.tick(now: 100 * self.ms, allEchoed: false)
        let actions = machine.serverClosed()
        #expect(actions.echoClose && actions.closeChannel)
        #expect(machine.endedByServer)
        #expect(machine.tick(now: 200 * self.ms, allEchoed: false) == .none)
    }

    @Test func aDroppedConnectionIsEarlyUnlessWeWereClosing() {
        var dropped = self.streaming()
        let early = dropped.channelClosed()
        #expect(early)
        #expect(dropped.endedByServer)

        var closing = self.streaming()
        _ = closing.tick(now: 140 * self.ms, allEchoed: true)
        _ = closing.tick(now: 160 * self.ms, allEchoed: true)
        let closedEarly = closing.channelClosed()
        #expect(!closedEarly)
    }

    @Test func failureIsReportedOnce() {
        var machine = CallStateMachine(timing: self.timing)
        machine.connectStarted(now: 0)
        #expect(machine.failed("refused").failure == "refused")
        #expect(machine.failed("again") == .none)
    }
}
