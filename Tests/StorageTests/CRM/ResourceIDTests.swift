import Core
import Testing

@testable import Storage

@Suite("Resource ids")
struct ResourceIDTests {
    @Test("Made ids are well formed, sort by time, and differ")
    func made() {
        let early = ResourceID.make("ses", at: Timestamp(microseconds: 1_700_000_000_000_000))
        let late = ResourceID.make("ses", at: Timestamp(microseconds: 1_700_000_000_001_000))
        #expect(ResourceID.isWellFormed(early, prefix: "ses"))
        #expect(ResourceID.isWellFormed(late, prefix: "ses"))
        #expect(early < late)
        #expect(ResourceID.make("tkt") != ResourceID.make("tkt"))
        #expect(!ResourceID.isWellFormed(early, prefix: "tkt"))
    }

    @Test(
        "Anything but the prefix, an underscore and 26 Crockford base32 capitals is refused",
        arguments: [
            "", "ses_", "ses01JF000000000000000000000A", "ses-01JF000000000000000000000A",
            "ses_01JF000000000000000000000", "ses_01JF000000000000000000000AB", "ses_01jf000000000000000000000a",
            "ses_01JF00000000000000000000I0", "ses_01JF00000000000000000000L0", "ses_01JF00000000000000000000O0",
            "ses_01JF00000000000000000000U0", "ses_01JF00000000000000000000é", "tkt_01JF000000000000000000000A",
            "sesx01JF000000000000000000000A", "SES_01JF000000000000000000000A",
        ])
    func refused(text: String) {
        #expect(!ResourceID.isWellFormed(text, prefix: "ses"))
    }

    @Test("Every letter of the alphabet is accepted")
    func alphabet() {
        #expect(ResourceID.isWellFormed("ses_0123456789ABCDEFGHJKMNPQRS", prefix: "ses"))
        #expect(ResourceID.isWellFormed("ses_TVWXYZ00000000000000000000", prefix: "ses"))
    }
}
