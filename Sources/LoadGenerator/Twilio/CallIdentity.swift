/// The ids Twilio gives a call: `AC` + 32 hex for the account, `CA` for the call, `MZ` for the
/// media stream.
public struct CallIdentity: Sendable, Equatable {
    public let accountSid: String
    public let callSid: String
    public let streamSid: String
    /// `streamSid` as bytes, written into every media message without going through `String`.
    let streamSidBytes: [UInt8]

    public init(accountSid: String, callSid: String, streamSid: String) {
        self.accountSid = accountSid
        self.callSid = callSid
        self.streamSid = streamSid
        self.streamSidBytes = Array(streamSid.utf8)
    }

    /// A new call and stream in `accountSid`.
    static func random(accountSid: String, using generator: inout some RandomNumberGenerator) -> Self {
        Self(
            accountSid: accountSid,
            callSid: Self.sid(prefix: "CA", using: &generator),
            streamSid: Self.sid(prefix: "MZ", using: &generator)
        )
    }

    /// `prefix` and 32 lowercase hex digits.
    static func sid(prefix: String, using generator: inout some RandomNumberGenerator) -> String {
        let high = UInt64.random(in: .min ... .max, using: &generator)
        let low = UInt64.random(in: .min ... .max, using: &generator)
        return prefix + Self.hex(high) + Self.hex(low)
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
