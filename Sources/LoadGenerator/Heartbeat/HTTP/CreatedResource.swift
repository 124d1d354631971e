import Core

/// What a heartbeat run needs from a `201 Created` body: the new resource's `id`, and for a
/// session the heartbeat timing the server announces.
struct CreatedResource: Equatable, Sendable {
    /// ASCII letters, digits, `_` and `-` only, so it can go into a path as it is.
    var id: [UInt8]
    /// Seconds.
    var heartbeatInterval: Double?
    var heartbeatTimeout: Double?

    static let maximumIDLength = 128

    /// Reads the top-level `id` (which must start with `prefix`, e.g. `ses_`), and the
    /// `heartbeat_interval` and `heartbeat_timeout` (numbers of seconds) when present. The reason
    /// when it cannot.
    static func parse(_ body: [UInt8], prefix: StaticString) -> Result<Self, ParseError> {
        body.withUnsafeBytes { bytes in
            var scanner = JSONScanner(bytes)
            var id: [UInt8]?
            var interval: Double?
            var timeout: Double?
            do {
                try scanner.readObject { (scanner, key) throws(JSONScanError) in
                    if key.equals("id", in: bytes) {
                        if let token = try scanner.readScalar(), token.kind == .string, !token.hasEscapes {
                            id = Array(UnsafeRawBufferPointer(rebasing: bytes[token.range]))
                        }
                    } else if key.equals("heartbeat_interval", in: bytes) {
                        interval = try scanner.readScalar().flatMap { Self.number($0, in: bytes) }
                    } else if key.equals("heartbeat_timeout", in: bytes) {
                        timeout = try scanner.readScalar().flatMap { Self.number($0, in: bytes) }
                    } else {
                        try scanner.skipValue()
                    }
                }
                try scanner.finish()
            } catch {
                return .failure(ParseError(reason: "the 201 body is not a JSON object (\(error))"))
            }
            guard let id else { return .failure(ParseError(reason: "the 201 body has no string \"id\"")) }
            guard id.starts(with: UnsafeRawBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount)),
                id.count <= Self.maximumIDLength, id.allSatisfy(Self.isIDByte)
            else {
                return .failure(
                    ParseError(reason: "unexpected id \"\(String(decoding: id.prefix(64), as: UTF8.self))\""))
            }
            return .success(Self(id: id, heartbeatInterval: interval, heartbeatTimeout: timeout))
        }
    }

    struct ParseError: Error, Equatable, Sendable {
        let reason: String
    }

    private static func number(_ token: JSONToken, in bytes: UnsafeRawBufferPointer) -> Double? {
        token.kind == .number ? Double(token.string(in: bytes)) : nil
    }

    private static func isIDByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default: false
        }
    }
}
