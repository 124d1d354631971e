/// Why a JSON document could not be read, with the byte offset where reading stopped.
public struct JSONScanError: Error, CustomStringConvertible, Sendable, Hashable {
    private enum Code: Sendable, Hashable {
        case unexpectedEnd
        case unexpectedByte(UInt8)
        case invalidEscape
        case controlCharacterInString
        case invalidNumber
        case tooDeep
        case trailingContent
    }

    private let code: Code
    /// Byte offset in the document.
    public let offset: Int

    private init(_ code: Code, at offset: Int) {
        self.code = code
        self.offset = offset
    }

    static func unexpectedEnd(at offset: Int) -> Self { Self(.unexpectedEnd, at: offset) }
    static func unexpectedByte(_ byte: UInt8, at offset: Int) -> Self { Self(.unexpectedByte(byte), at: offset) }
    static func invalidEscape(at offset: Int) -> Self { Self(.invalidEscape, at: offset) }
    static func controlCharacter(at offset: Int) -> Self { Self(.controlCharacterInString, at: offset) }
    static func invalidNumber(at offset: Int) -> Self { Self(.invalidNumber, at: offset) }
    static func tooDeep(at offset: Int) -> Self { Self(.tooDeep, at: offset) }
    static func trailingContent(at offset: Int) -> Self { Self(.trailingContent, at: offset) }

    public var description: String {
        switch self.code {
        case .unexpectedEnd: "JSON ends early at byte \(self.offset)"
        case .unexpectedByte(let byte):
            byte >= 0x20 && byte < 0x7F
                ? "unexpected '\(Character(Unicode.Scalar(byte)))' at byte \(self.offset)"
                : "unexpected byte 0x\(String(byte, radix: 16)) at byte \(self.offset)"
        case .invalidEscape: "invalid escape in a JSON string at byte \(self.offset)"
        case .controlCharacterInString: "unescaped control character in a JSON string at byte \(self.offset)"
        case .invalidNumber: "invalid JSON number at byte \(self.offset)"
        case .tooDeep: "JSON nested too deeply at byte \(self.offset)"
        case .trailingContent: "content after the JSON value at byte \(self.offset)"
        }
    }
}
