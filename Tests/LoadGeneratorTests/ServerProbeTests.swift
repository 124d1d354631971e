import Testing

@testable import LoadGenerator

/// Reading the server's memory and drop counters.
@Suite struct ServerProbeTests {
    @Test func residentMemoryComesFromVmRSS() {
        let status = "Name:\tswitchboard\nVmPeak:\t  900000 kB\nVmRSS:\t   12345 kB\nThreads:\t4\n"
        #expect(ProcessMemory.residentKiB(status: status) == 12_345)
        #expect(ProcessMemory.residentKiB(status: "Name:\tkthreadd\n") == nil)
    }

    @Test func ownProcessHasResidentMemory() throws {
        let rss = try #require(ProcessMemory.residentKiB(pid: getpidValue()))
        #expect(rss > 1000)
    }

    @Test func onlyQueueCountersAreScraped() {
        let text = """
            # TYPE switchboard_ws_queue_dropped_total counter
            switchboard_ws_queue_dropped_total{route="/v1/media",queue="outbound"} 17
            switchboard_ws_queue_dropped_total{route="/v1/media",queue="inbound"} 0
            switchboard_ws_queue_overflow_closes_total{route="/v1/echo"} 2
            switchboard_ws_messages_sent_total{route="/v1/media"} 99
            """
        let samples = MetricsScrape.samples(in: text)
        #expect(samples.count == 3)
        #expect(samples[#"switchboard_ws_queue_dropped_total{route="/v1/media",queue="outbound"}"#] == 17)
        #expect(samples[#"switchboard_ws_queue_overflow_closes_total{route="/v1/echo"}"#] == 2)
    }
}

#if canImport(Glibc)
    import Glibc

    private func getpidValue() -> Int32 { getpid() }
#else
    import Darwin

    private func getpidValue() -> Int32 { getpid() }
#endif
