/// A strict, allocation-free JSON reader for hot-path messages (RFC 8259).
///
/// It walks the bytes once and hands back ``JSONToken``s (offsets into the document) for the
/// values the caller asks for, skipping the rest after checking their syntax. Unlike `JSONDecoder`
/// it builds no intermediate tree and no strings, which is what lets one core parse 100k+ media
/// messages per second. Nesting is limited (``maxDepth``) so hostile input cannot exhaust the stack.
public struct JSONScanner {
    public let bytes: UnsafeRawBufferPointer
    /// Where reading continues: after the last value read.
    public private(set) var offset = 0
    public static let maxDepth = 32

    public init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    // MARK: Structure

    /// Reads an object, calling `body` with each key; `body` must consume the value (with one of
    /// the `read`/`skip` methods).
    public mutating func readObject(
        depth: Int = 0,
        _ body: (inout JSONScanner, JSONToken) throws(JSONScanError) -> Void
    ) throws(JSONScanError) {
        guard depth < Self.maxDepth else { throw .tooDeep(at: self.offset) }
        try self.expect(UInt8(ascii: "{"))
        if try self.consumeIf(UInt8(ascii: "}")) { return }
        while true {
            self.skipWhitespace()
            let key = try self.readStringToken()
            try self.expect(UInt8(ascii: ":"))
            try body(&self, key)
            if try self.consumeIf(UInt8(ascii: ",")) { continue }
            try self.expect(UInt8(ascii: "}"))
            return
        }
    }

    /// Reads an array, calling `body` once per element; `body` must consume it.
    public mutating func readArray(
        depth: Int = 0,
        _ body: (inout JSONScanner) throws(JSONScanError) -> Void
    ) throws(JSONScanError) {
        guard depth < Self.maxDepth else { throw .tooDeep(at: self.offset) }
        try self.expect(UInt8(ascii: "["))
        if try self.consumeIf(UInt8(ascii: "]")) { return }
        while true {
            try body(&self)
            if try self.consumeIf(UInt8(ascii: ",")) { continue }
            try self.expect(UInt8(ascii: "]"))
            return
        }
    }

    /// Whether the next value is an object (without consuming it).
    public mutating func peekIsObject() -> Bool {
        self.skipWhitespace()
        return self.offset < self.bytes.count && self.bytes[self.offset] == UInt8(ascii: "{")
    }

    /// Whether the next value is an array (without consuming it).
    public mutating func peekIsArray() -> Bool {
        self.skipWhitespace()
        return self.offset < self.bytes.count && self.bytes[self.offset] == UInt8(ascii: "[")
    }

    /// Checks that nothing but whitespace follows the top-level value.
    public mutating func finish() throws(JSONScanError) {
        self.skipWhitespace()
        guard self.offset == self.bytes.count else { throw .trailingContent(at: self.offset) }
    }

    // MARK: Values

    /// Reads a scalar (string, number, `true`, `false`, `null`); objects and arrays are skipped and
    /// give `nil`, so a field of an unexpected shape is ignored rather than fatal.
    public mutating func readScalar(depth: Int = 0) throws(JSONScanError) -> JSONToken? {
        self.skipWhitespace()
        guard self.offset < self.bytes.count else { throw .unexpectedEnd(at: self.offset) }
        switch self.bytes[self.offset] {
        case UInt8(ascii: "\""):
            return try self.readStringToken()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            try self.skipValue(depth: depth)
            return nil
        case UInt8(ascii: "t"):
            return try self.readLiteral("true", kind: .bool)
        case UInt8(ascii: "f"):
            return try self.readLiteral("false", kind: .bool)
        case UInt8(ascii: "n"):
            return try self.readLiteral("null", kind: .null)
        default:
            return try self.readNumber()
        }
    }

    /// Checks and skips any value.
    public mutating func skipValue(depth: Int = 0) throws(JSONScanError) {
        self.skipWhitespace()
        guard self.offset < self.bytes.count else { throw .unexpectedEnd(at: self.offset) }
        switch self.bytes[self.offset] {
        case UInt8(ascii: "{"):
            try self.readObject(depth: depth + 1) { (scanner, _) throws(JSONScanError) in
                try scanner.skipValue(depth: depth + 1)
            }
        case UInt8(ascii: "["):
            try self.readArray(depth: depth + 1) { (scanner) throws(JSONScanError) in
                try scanner.skipValue(depth: depth + 1)
            }
        default:
            _ = try self.readScalar(depth: depth)
        }
    }

    // MARK: Tokens

    mutating func readStringToken() throws(JSONScanError) -> JSONToken {
        try self.expect(UInt8(ascii: "\""))
        let start = self.offset
        var hasEscapes = false
        while self.offset < self.bytes.count {
            let byte = self.bytes[self.offset]
            if byte == UInt8(ascii: "\"") {
                let token = JSONToken(kind: .string, range: start..<self.offset, hasEscapes: hasEscapes)
                self.offset += 1
                return token
            }
            if byte < 0x20 { throw .controlCharacter(at: self.offset) }
            if byte == UInt8(ascii: "\\") {
                hasEscapes = true
                try self.skipEscape()
            } else {
                self.offset += 1
            }
        }
        throw .unexpectedEnd(at: self.offset)
    }

    mutating func skipEscape() throws(JSONScanError) {
        let escapeStart = self.offset
        guard self.offset + 1 < self.bytes.count else { throw .unexpectedEnd(at: self.offset) }
        switch self.bytes[self.offset + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            self.offset += 2
        case UInt8(ascii: "u"):
            guard self.offset + 6 <= self.bytes.count else { throw .unexpectedEnd(at: self.offset) }
            for index in (self.offset + 2)..<(self.offset + 6) where Self.hexValue(self.bytes[index]) > 15 {
                throw .invalidEscape(at: escapeStart)
            }
            self.offset += 6
        default:
            throw .invalidEscape(at: escapeStart)
        }
    }

    mutating func readNumber() throws(JSONScanError) -> JSONToken {
        let start = self.offset
        if self.peek() == UInt8(ascii: "-") { self.offset += 1 }
        guard let first = self.peek(), Self.isDigit(first) else { throw .invalidNumber(at: start) }
        self.offset += 1
        if first != UInt8(ascii: "0") {
            while let byte = self.peek(), Self.isDigit(byte) { self.offset += 1 }
        }
        if self.peek() == UInt8(ascii: ".") {
            self.offset += 1
            try self.readDigits(numberStart: start)
        }
        if let byte = self.peek(), byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            self.offset += 1
            if let sign = self.peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { self.offset += 1 }
            try self.readDigits(numberStart: start)
        }
        return JSONToken(kind: .number, range: start..<self.offset, hasEscapes: false)
    }

    mutating func readDigits(numberStart: Int) throws(JSONScanError) {
        guard let byte = self.peek(), Self.isDigit(byte) else { throw .invalidNumber(at: numberStart) }
        while let byte = self.peek(), Self.isDigit(byte) { self.offset += 1 }
    }

    mutating func readLiteral(_ literal: StaticString, kind: JSONToken.Kind) throws(JSONScanError) -> JSONToken {
        let start = self.offset
        let count = literal.utf8CodeUnitCount
        guard start + count <= self.bytes.count else { throw .unexpectedEnd(at: self.bytes.count) }
        for index in 0..<count where self.bytes[start + index] != literal.utf8Start[index] {
            throw .unexpectedByte(self.bytes[start + index], at: start + index)
        }
        self.offset += count
        return JSONToken(kind: kind, range: start..<self.offset, hasEscapes: false)
    }

    // MARK: Bytes

    mutating func skipWhitespace() {
        while self.offset < self.bytes.count {
            switch self.bytes[self.offset] {
            case 0x20, 0x09, 0x0A, 0x0D: self.offset += 1
            default: return
            }
        }
    }

    func peek() -> UInt8? {
        self.offset < self.bytes.count ? self.bytes[self.offset] : nil
    }

    mutating func expect(_ byte: UInt8) throws(JSONScanError) {
        self.skipWhitespace()
        guard self.offset < self.bytes.count else { throw .unexpectedEnd(at: self.offset) }
        guard self.bytes[self.offset] == byte else { throw .unexpectedByte(self.bytes[self.offset], at: self.offset) }
        self.offset += 1
    }

    mutating func consumeIf(_ byte: UInt8) throws(JSONScanError) -> Bool {
        self.skipWhitespace()
        guard self.offset < self.bytes.count else { throw .unexpectedEnd(at: self.offset) }
        guard self.bytes[self.offset] == byte else { return false }
        self.offset += 1
        return true
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    /// 0-15 for a hex digit, 255 otherwise.
    static func hexValue(_ byte: UInt8) -> UInt8 {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: 255
        }
    }
}
