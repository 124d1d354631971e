/// A message published on a channel this client subscribed to.
public struct RedisMessage: Sendable, Hashable {
    public var channel: String
    public var payload: [UInt8]

    public init(channel: String, payload: [UInt8]) {
        self.channel = channel
        self.payload = payload
    }

    /// The payload as UTF-8 text (invalid sequences repaired).
    public var payloadString: String { String(decoding: self.payload, as: UTF8.self) }

    /// The message a pub/sub connection received, if `value` is one (`["message", channel, payload]`).
    init?(push value: RESPValue) {
        guard case .array(let parts) = value, parts.count == 3, case .bulk(let kind) = parts[0],
            kind.elementsEqual("message".utf8), let channel = parts[1].string, case .bulk(let payload) = parts[2]
        else { return nil }
        self.init(channel: channel, payload: payload)
    }
}
