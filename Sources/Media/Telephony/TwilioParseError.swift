import Core

/// Why a Twilio message could not be used. A message that is not JSON at all means the peer is not
/// speaking the protocol (the stream is closed with 1007); the other cases are one bad message,
/// counted and skipped so a call never drops over one glitch.
public struct TwilioParseError: Error, CustomStringConvertible, Sendable, Hashable {
    private enum Code: Sendable, Hashable {
        case json(JSONScanError)
        case notAnObject
        case missingField(String)
        case invalidPayload(String)
    }

    private let code: Code

    private init(_ code: Code) { self.code = code }

    static func json(_ error: JSONScanError) -> Self { Self(.json(error)) }
    static let notAnObject = Self(.notAnObject)
    static func missingField(_ name: String) -> Self { Self(.missingField(name)) }
    static func invalidPayload(_ detail: String) -> Self { Self(.invalidPayload(detail)) }

    /// The message is not a JSON object: the peer does not speak the protocol.
    public var isMalformedJSON: Bool {
        switch self.code {
        case .json, .notAnObject: true
        case .missingField, .invalidPayload: false
        }
    }

    public var description: String {
        switch self.code {
        case .json(let error): "not JSON: \(error)"
        case .notAnObject: "not a JSON object"
        case .missingField(let name): "missing or invalid field \(name)"
        case .invalidPayload(let detail): "invalid media payload: \(detail)"
        }
    }
}
