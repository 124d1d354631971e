import SwitchboardTestSupport
import Testing

@testable import Core

/// A JSON value rebuilt from the scanner's tokens, so whole documents can be compared.
indirect enum JSONValue: Equatable, CustomStringConvertible {
    struct Member: Equatable {
        var key: String
        var value: JSONValue
    }

    case string(String)
    /// The number as written.
    case number(String)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([Member])

    var description: String {
        switch self {
        case .string(let text): "\"\(text)\""
        case .number(let text): text
        case .bool(let value): "\(value)"
        case .null: "null"
        case .array(let elements): "[" + elements.map(\.description).joined(separator: ",") + "]"
        case .object(let members):
            "{" + members.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}"
        }
    }

    /// Reads any value with the scanner's public API; `depth` is the value's own nesting depth.
    static func read(_ scanner: inout JSONScanner, depth: Int = 0) throws(JSONScanError) -> JSONValue {
        if scanner.peekIsObject() {
            var members: [Member] = []
            try scanner.readObject(depth: depth) { (scanner, key) throws(JSONScanError) in
                let value = try JSONValue.read(&scanner, depth: depth + 1)
                members.append(Member(key: key.string(in: scanner.bytes), value: value))
            }
            return .object(members)
        }
        if scanner.peekIsArray() {
            var elements: [JSONValue] = []
            try scanner.readArray(depth: depth) { (scanner) throws(JSONScanError) in
                elements.append(try JSONValue.read(&scanner, depth: depth + 1))
            }
            return .array(elements)
        }
        guard let token = try scanner.readScalar(depth: depth) else {
            Issue.record("readScalar skipped a container that peek did not see")
            return .null
        }
        switch token.kind {
        case .string: return .string(token.string(in: scanner.bytes))
        case .number: return .number(token.string(in: scanner.bytes))
        case .bool: return .bool(token.equals("true", in: scanner.bytes))
        case .null: return .null
        }
    }
}

/// Runs `body` on a scanner over the UTF-8 of `text`.
func scanningJSON<R>(
    _ text: String,
    _ body: (inout JSONScanner) throws(JSONScanError) -> R
) -> Result<R, JSONScanError> {
    scanningJSON(Array(text.utf8), body)
}

func scanningJSON<R>(
    _ bytes: [UInt8],
    _ body: (inout JSONScanner) throws(JSONScanError) -> R
) -> Result<R, JSONScanError> {
    bytes.withUnsafeBytes { buffer in
        var scanner = JSONScanner(buffer)
        return Result { () throws(JSONScanError) in try body(&scanner) }
    }
}

/// The whole document as a value, trailing content checked.
func parseJSON(_ text: String) -> Result<JSONValue, JSONScanError> {
    parseJSON(Array(text.utf8))
}

func parseJSON(_ bytes: [UInt8]) -> Result<JSONValue, JSONScanError> {
    scanningJSON(bytes) { (scanner) throws(JSONScanError) in
        let value = try JSONValue.read(&scanner)
        try scanner.finish()
        return value
    }
}

/// Checks and skips the whole document with `skipValue`; the offset reached.
func skipJSON(_ bytes: [UInt8]) -> Result<Int, JSONScanError> {
    scanningJSON(bytes) { (scanner) throws(JSONScanError) in
        try scanner.skipValue()
        try scanner.finish()
        return scanner.offset
    }
}

/// Hands `body` the single top-level scalar of `text`; fails the test if there is none.
func withJSONScalar<R>(_ text: String, _ body: (JSONToken, UnsafeRawBufferPointer) throws -> R) throws -> R {
    try Array(text.utf8).withUnsafeBytes { buffer in
        var scanner = JSONScanner(buffer)
        let token = try #require(try scanner.readScalar())
        try scanner.finish()
        return try body(token, buffer)
    }
}

extension Result {
    var jsonError: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }

    var jsonValue: Success? {
        if case .success(let value) = self { return value }
        return nil
    }
}

@Suite("JSONScanner structure")
struct JSONScannerStructureTests {
    @Test func emptyContainers() {
        #expect(parseJSON("{}").jsonValue == .object([]))
        #expect(parseJSON("[]").jsonValue == .array([]))
        #expect(parseJSON("{ \n }").jsonValue == .object([]))
        #expect(parseJSON("[\t]").jsonValue == .array([]))
        #expect(parseJSON("[[],{},[{}]]").jsonValue == .array([.array([]), .object([]), .array([.object([])])]))
    }

    @Test func objectsKeepKeysInOrderAndDuplicates() {
        #expect(
            parseJSON(#"{"b":1,"a":"x","b":true}"#).jsonValue
                == .object([
                    .init(key: "b", value: .number("1")), .init(key: "a", value: .string("x")),
                    .init(key: "b", value: .bool(true)),
                ]))
    }

    @Test func nestedDocument() {
        let text = #"{"a":[{"b":[[],{"c":null}]},-2.5e+3,false],"d":{"e":{"f":"g"}},"":""}"#
        let expected = JSONValue.object([
            .init(
                key: "a",
                value: .array([
                    .object([.init(key: "b", value: .array([.array([]), .object([.init(key: "c", value: .null)])]))]),
                    .number("-2.5e+3"), .bool(false),
                ])),
            .init(
                key: "d", value: .object([.init(key: "e", value: .object([.init(key: "f", value: .string("g"))]))])),
            .init(key: "", value: .string("")),
        ])
        #expect(parseJSON(text).jsonValue == expected)
        #expect(parseJSON(text).jsonValue?.description == text)
        #expect(skipJSON(Array(text.utf8)).jsonValue == text.utf8.count)
    }

    @Test func whitespaceEverywhere() {
        let text = " \t\n\r{ \t\n\r\"a\" \r\n: \t[ 1 , \"x\" ,\n\ttrue ,null ] , \"b\" :{ } \n} \r\n\t "
        #expect(
            parseJSON(text).jsonValue
                == .object([
                    .init(key: "a", value: .array([.number("1"), .string("x"), .bool(true), .null])),
                    .init(key: "b", value: .object([])),
                ]))
        #expect(skipJSON(Array(text.utf8)).jsonValue == text.utf8.count)
    }

    /// Only space, tab, LF and CR are JSON whitespace.
    @Test(arguments: ["\u{0C}1", "\u{0B}1", "\u{A0}1", "1\u{0C}", "[1,\u{0C}2]"])
    func otherSpaceIsNotWhitespace(text: String) {
        #expect(parseJSON(text).jsonError != nil)
    }

    @Test func scalarsAtTopLevel() {
        #expect(parseJSON("\"hi\"").jsonValue == .string("hi"))
        #expect(parseJSON(" 42 ").jsonValue == .number("42"))
        #expect(parseJSON("true").jsonValue == .bool(true))
        #expect(parseJSON("false").jsonValue == .bool(false))
        #expect(parseJSON("null").jsonValue == .null)
    }

    @Test func readScalarSkipsContainersAndReturnsNil() {
        let result = scanningJSON(#"{"x":{"y":[1,{"z":"}"}]},"w":[],"v":3}"#) { (scanner) throws(JSONScanError) in
            var seen: [String: String?] = [:]
            try scanner.readObject { (scanner, key) throws(JSONScanError) in
                let token = try scanner.readScalar()
                seen.updateValue(token.map { $0.string(in: scanner.bytes) }, forKey: key.string(in: scanner.bytes))
            }
            try scanner.finish()
            return seen
        }
        #expect(result.jsonValue == ["x": String?.none, "w": String?.none, "v": "3"])
    }

    @Test func peekDoesNotConsume() {
        let result = scanningJSON("  {\"a\":[ 1]}") { (scanner) throws(JSONScanError) in
            #expect(scanner.offset == 0)
            let peeks = [scanner.peekIsArray(), scanner.peekIsObject(), scanner.peekIsObject()]
            #expect(peeks == [false, true, true])
            #expect(scanner.offset == 2)
            var arrayPeeks: [Bool] = []
            try scanner.readObject { (scanner, _) throws(JSONScanError) in
                arrayPeeks.append(scanner.peekIsArray())
                arrayPeeks.append(scanner.peekIsObject())
                try scanner.skipValue()
            }
            try scanner.finish()
            let atEnd = [scanner.peekIsObject(), scanner.peekIsArray()]
            #expect(atEnd == [false, false])
            return arrayPeeks
        }
        #expect(result.jsonValue == [true, false])
    }

    @Test func offsetStopsAfterTheValueRead() {
        let result = scanningJSON(#"[1,2] ["#) { (scanner) throws(JSONScanError) in
            try scanner.skipValue()
            return scanner.offset
        }
        #expect(result.jsonValue == 5)
    }

    @Test func stringTokenRangeExcludesQuotes() throws {
        let token = try withJSONScalar(#"  "abc"  "#) { token, _ in token }
        #expect(token == JSONToken(kind: .string, range: 3..<6, hasEscapes: false))
    }
}

@Suite("JSONScanner errors")
struct JSONScannerErrorTests {
    static let cases: [(String, JSONScanError)] = [
        ("", .unexpectedEnd(at: 0)),
        ("   ", .unexpectedEnd(at: 3)),
        ("[", .unexpectedEnd(at: 1)),
        ("{", .unexpectedEnd(at: 1)),
        ("[1,2", .unexpectedEnd(at: 4)),
        (#"{"a":1"#, .unexpectedEnd(at: 6)),
        (#"{"a""#, .unexpectedEnd(at: 4)),
        (#"{"a":"#, .unexpectedEnd(at: 5)),
        (#"{"a":}"#, .invalidNumber(at: 5)),
        (#"{"a" 1}"#, .unexpectedByte(UInt8(ascii: "1"), at: 5)),
        (#"{"a":1,}"#, .unexpectedByte(UInt8(ascii: "}"), at: 7)),
        (#"{"a":1 "b":2}"#, .unexpectedByte(UInt8(ascii: "\""), at: 7)),
        (#"{1:2}"#, .unexpectedByte(UInt8(ascii: "1"), at: 1)),
        (#"{'a':1}"#, .unexpectedByte(UInt8(ascii: "'"), at: 1)),
        (#"{,}"#, .unexpectedByte(UInt8(ascii: ","), at: 1)),
        (#"{"a":1]"#, .unexpectedByte(UInt8(ascii: "]"), at: 6)),
        ("[1,]", .invalidNumber(at: 3)),
        ("[,1]", .invalidNumber(at: 1)),
        ("[1 2]", .unexpectedByte(UInt8(ascii: "2"), at: 3)),
        ("[1}", .unexpectedByte(UInt8(ascii: "}"), at: 2)),
        ("[01]", .unexpectedByte(UInt8(ascii: "1"), at: 2)),
        ("]", .invalidNumber(at: 0)),
        ("}", .invalidNumber(at: 0)),
        ("tru", .unexpectedEnd(at: 3)),
        ("trUe", .unexpectedByte(UInt8(ascii: "U"), at: 2)),
        ("[nul]", .unexpectedByte(UInt8(ascii: "]"), at: 4)),
        ("falsy", .unexpectedByte(UInt8(ascii: "y"), at: 4)),
        ("True", .invalidNumber(at: 0)),
        ("1 2", .trailingContent(at: 2)),
        ("{} x", .trailingContent(at: 3)),
        ("[]]", .trailingContent(at: 2)),
        ("\"a\"\"b\"", .trailingContent(at: 3)),
        ("truex", .trailingContent(at: 4)),
        ("nullnull", .trailingContent(at: 4)),
    ]

    @Test(arguments: cases)
    func errorAtTheRightOffset(text: String, expected: JSONScanError) {
        #expect(parseJSON(text).jsonError == expected, "\(text)")
        #expect(skipJSON(Array(text.utf8)).jsonError == expected, "\(text)")
    }

    @Test func unterminatedStrings() {
        #expect(parseJSON("\"abc").jsonError == .unexpectedEnd(at: 4))
        #expect(parseJSON("\"").jsonError == .unexpectedEnd(at: 1))
        #expect(parseJSON(#"["abc]"#).jsonError == .unexpectedEnd(at: 6))
        #expect(parseJSON(#"{"abc:1}"#).jsonError == .unexpectedEnd(at: 8))
        // An escaped quote does not end the string.
        #expect(parseJSON(#""abc\""#).jsonError == .unexpectedEnd(at: 6))
        // A backslash as the last byte.
        #expect(parseJSON(#""abc\"#).jsonError == .unexpectedEnd(at: 4))
        // A \u escape cut short by the end of the document.
        #expect(parseJSON(#""\u12"#).jsonError == .unexpectedEnd(at: 1))
    }

    @Test(arguments: Array(0..<0x20))
    func controlCharactersInStringsAreRejected(byte: Int) {
        let bytes = Array("\"ab".utf8) + [UInt8(byte)] + Array("c\"".utf8)
        #expect(skipJSON(bytes).jsonError == .controlCharacter(at: 3))
        // In a key too.
        let key = Array("{\"".utf8) + [UInt8(byte)] + Array("\":1}".utf8)
        #expect(skipJSON(key).jsonError == .controlCharacter(at: 2))
    }

    @Test func deleteAndNonASCIIAreAllowedRaw() {
        let bytes: [UInt8] = [UInt8(ascii: "\""), 0x7F, 0xC3, 0xA9, 0xF0, 0x9F, 0x98, 0x80, UInt8(ascii: "\"")]
        #expect(skipJSON(bytes).jsonValue == bytes.count)
        #expect(parseJSON("\"\u{7F}é😀\"").jsonValue == .string("\u{7F}é😀"))
    }

    @Test(arguments: [#""\x""#, #""\a""#, #""\U0041""#, #""\'""#, #""\0""#, #""\ ""#, #""a\u12G4""#, #""\u-123""#])
    func invalidEscapes(text: String) {
        let backslash = text.utf8.firstIndex(of: UInt8(ascii: "\\")).map {
            text.utf8.distance(from: text.utf8.startIndex, to: $0)
        }
        #expect(parseJSON(text).jsonError == .invalidEscape(at: backslash ?? -1), "\(text)")
    }

    @Test func descriptions() {
        #expect(JSONScanError.unexpectedEnd(at: 3).description == "JSON ends early at byte 3")
        #expect(JSONScanError.unexpectedByte(UInt8(ascii: "x"), at: 1).description == "unexpected 'x' at byte 1")
        #expect(JSONScanError.unexpectedByte(0x0A, at: 2).description == "unexpected byte 0xa at byte 2")
        #expect(JSONScanError.unexpectedByte(0xFF, at: 2).description == "unexpected byte 0xff at byte 2")
        #expect(JSONScanError.invalidEscape(at: 4).description == "invalid escape in a JSON string at byte 4")
        #expect(
            JSONScanError.controlCharacter(at: 5).description
                == "unescaped control character in a JSON string at byte 5")
        #expect(JSONScanError.invalidNumber(at: 6).description == "invalid JSON number at byte 6")
        #expect(JSONScanError.tooDeep(at: 7).description == "JSON nested too deeply at byte 7")
        #expect(JSONScanError.trailingContent(at: 8).description == "content after the JSON value at byte 8")
        #expect(JSONScanError.tooDeep(at: 7).offset == 7)
    }
}

@Suite("JSONScanner numbers")
struct JSONScannerNumberTests {
    @Test(arguments: [
        "0", "-0", "1.5e-3", "10", "1E+2", "1e2", "-12.34", "0.0", "0e0", "-0.0E-0", "123456789012345678901234567890",
        "9.99e999",
    ])
    func validNumbers(text: String) throws {
        let token = try withJSONScalar(text) { token, _ in token }
        #expect(token == JSONToken(kind: .number, range: 0..<text.utf8.count, hasEscapes: false), "\(text)")
        #expect(parseJSON("[\(text)]").jsonValue == .array([.number(text)]))
    }

    @Test(arguments: [
        ("01", JSONScanError.trailingContent(at: 1)),
        ("-01", .trailingContent(at: 2)),
        ("00", .trailingContent(at: 1)),
        ("0x10", .trailingContent(at: 1)),
        ("1.", .invalidNumber(at: 0)),
        (".5", .invalidNumber(at: 0)),
        ("-", .invalidNumber(at: 0)),
        ("--1", .invalidNumber(at: 0)),
        ("-a", .invalidNumber(at: 0)),
        ("1e", .invalidNumber(at: 0)),
        ("1e+", .invalidNumber(at: 0)),
        ("1E-", .invalidNumber(at: 0)),
        ("1.e5", .invalidNumber(at: 0)),
        ("+1", .invalidNumber(at: 0)),
        ("Infinity", .invalidNumber(at: 0)),
        ("-Infinity", .invalidNumber(at: 0)),
        ("1.5.5", .trailingContent(at: 3)),
        ("1e5e5", .trailingContent(at: 3)),
        ("[1, -]", .invalidNumber(at: 4)),
        ("[1, 2.]", .invalidNumber(at: 4)),
    ])
    func invalidNumbers(text: String, expected: JSONScanError) {
        #expect(parseJSON(text).jsonError == expected, "\(text)")
    }
}

@Suite("JSONScanner strings")
struct JSONScannerStringTests {
    static let escapes: [(String, String)] = [
        (#"\""#, "\""),
        (#"\\"#, "\\"),
        (#"\/"#, "/"),
        (#"\b"#, "\u{08}"),
        (#"\f"#, "\u{0C}"),
        (#"\n"#, "\n"),
        (#"\r"#, "\r"),
        (#"\t"#, "\t"),
        (#"\u0041"#, "A"),
        (#"\u0000"#, "\u{0}"),
        (#"\u001f"#, "\u{1F}"),
        (#"\u00e9"#, "é"),
        (#"\u00E9"#, "é"),
        (#"\u20AC"#, "€"),
        (#"\uFFFF"#, "\u{FFFF}"),
        (#"\uD83D\uDE00"#, "😀"),
        (#"\ud83d\ude00"#, "😀"),
        (#"\uDBFF\uDFFF"#, "\u{10FFFF}"),
        (#"\uD800\uDC00"#, "\u{10000}"),
        (#"a\"b\\c\/d"#, "a\"b\\c/d"),
        (#"x\u00e9y\n"#, "xéy\n"),
        // Lone surrogates cannot be UTF-8: each becomes U+FFFD, and nothing else is lost.
        (#"\uDE00"#, "\u{FFFD}"),
        (#"\uD83D"#, "\u{FFFD}"),
        (#"a\uD83Db"#, "a\u{FFFD}b"),
        (#"\uD83D\u0041"#, "\u{FFFD}A"),
        (#"\uD83D\uD83D\uDE00"#, "\u{FFFD}😀"),
        (#"\uDE00\uD83D"#, "\u{FFFD}\u{FFFD}"),
        (#"\uD83D\n\uDE00"#, "\u{FFFD}\n\u{FFFD}"),
        (#"\uD83D\\"#, "\u{FFFD}\\"),
        (#"\uDE00\uDE00x"#, "\u{FFFD}\u{FFFD}x"),
    ]

    @Test(arguments: escapes)
    func escapeDecodes(escaped: String, expected: String) throws {
        let decoded = try withJSONScalar("\"\(escaped)\"") { token, bytes in
            (token.kind, token.hasEscapes, token.string(in: bytes), token.unescapedBytes(in: bytes))
        }
        #expect(decoded.0 == .string)
        #expect(decoded.1 == true)
        #expect(decoded.2 == expected, "\(escaped)")
        #expect(decoded.3 == Array(expected.utf8), "\(escaped)")
    }

    @Test func unescapedStringsAreTakenAsTheyAre() throws {
        let decoded = try withJSONScalar("\"héllo 😀 /\"") { token, bytes in
            (token.hasEscapes, token.string(in: bytes), token.unescapedBytes(in: bytes))
        }
        #expect(decoded.0 == false)
        #expect(decoded.1 == "héllo 😀 /")
        #expect(decoded.2 == Array("héllo 😀 /".utf8))
    }

    @Test func emptyString() throws {
        let decoded = try withJSONScalar("\"\"") { token, bytes in (token.range, token.string(in: bytes)) }
        #expect(decoded.0 == 1..<1)
        #expect(decoded.1 == "")
    }

    @Test func escapedKeys() {
        #expect(
            parseJSON(#"{"a\"b":1,"\u0063":2}"#).jsonValue
                == .object([
                    .init(key: "a\"b", value: .number("1")), .init(key: "c", value: .number("2")),
                ]))
    }
}

@Suite("JSONScanner depth")
struct JSONScannerDepthTests {
    static func nestedArrays(_ depth: Int) -> String {
        String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    }

    static func nestedObjects(_ depth: Int) -> String {
        String(repeating: #"{"a":"#, count: depth - 1) + "{}" + String(repeating: "}", count: depth - 1)
    }

    @Test func thirtyTwoLevelsAreRead() {
        #expect(parseJSON(Self.nestedArrays(JSONScanner.maxDepth)).jsonValue != nil)
        #expect(parseJSON(Self.nestedObjects(JSONScanner.maxDepth)).jsonValue != nil)
    }

    @Test func thirtyThreeLevelsAreTooDeep() {
        // The 33rd `[` is at offset 32.
        #expect(parseJSON(Self.nestedArrays(33)).jsonError == .tooDeep(at: 32))
        #expect(parseJSON(Self.nestedObjects(33)).jsonError == .tooDeep(at: 32 * 5))
        let skipped = skipJSON(Array(Self.nestedArrays(33).utf8)).jsonError
        #expect(skipped?.description.hasPrefix("JSON nested too deeply") == true)
        #expect(skipped.map { $0.offset <= 32 } == true)
    }

    @Test func deepNestingInsideAnObjectValueIsTooDeep() {
        let text = #"{"junk":"# + Self.nestedArrays(40) + #","event":"media"}"#
        let result = scanningJSON(text) { (scanner) throws(JSONScanError) in
            try scanner.readObject { (scanner, _) throws(JSONScanError) in _ = try scanner.readScalar() }
        }
        #expect(result.jsonError?.description.hasPrefix("JSON nested too deeply") == true)
    }

    @Test func aHundredThousandOpeningBracketsDoNotCrash() {
        let bytes = [UInt8](repeating: UInt8(ascii: "["), count: 100_000)
        #expect(skipJSON(bytes).jsonError?.description.hasPrefix("JSON nested too deeply") == true)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(parseJSON(text).jsonError == .tooDeep(at: 32))
        let objects = String(repeating: #"{"a":"#, count: 100_000)
        #expect(parseJSON(objects).jsonError == .tooDeep(at: 32 * 5))
        #expect(skipJSON(Array(objects.utf8)).jsonError?.description.hasPrefix("JSON nested too deeply") == true)
    }
}

@Suite("JSONToken")
struct JSONTokenTests {
    @Test(arguments: [
        ("\"4\"", 4 as Int?),
        ("4", 4),
        ("0", 0),
        ("\"0\"", 0),
        ("\"04\"", 4),
        ("\"160\"", 160),
        ("999999999999999999", 999_999_999_999_999_999),
        ("\"999999999999999999\"", 999_999_999_999_999_999),
        ("1000000000000000000", nil),
        ("\"9999999999999999999\"", nil),
        ("\"99999999999999999999999\"", nil),
        ("\"-1\"", nil),
        ("-1", nil),
        ("-0", nil),
        ("1.5", nil),
        ("\"1.5\"", nil),
        ("1e3", nil),
        ("\"abc\"", nil),
        ("\"4a\"", nil),
        ("\" 4\"", nil),
        ("\"\"", nil),
        ("\"\\u0034\"", nil),
        ("true", nil),
        ("false", nil),
        ("null", nil),
    ])
    func integer(text: String, expected: Int?) throws {
        #expect(try withJSONScalar(text) { token, bytes in token.integer(in: bytes) } == expected, "\(text)")
    }

    @Test func equals() throws {
        func equalsEvent(_ text: String) throws -> Bool {
            try withJSONScalar(text) { token, bytes in token.equals("event", in: bytes) }
        }
        #expect(try equalsEvent("\"event\"") == true)
        #expect(try equalsEvent("\"even\"") == false)
        #expect(try equalsEvent("\"events\"") == false)
        #expect(try equalsEvent("\"Event\"") == false)
        #expect(try equalsEvent("\"\"") == false)
        // Escapes are never compared, even when they spell the literal.
        #expect(try equalsEvent(#""\u0065vent""#) == false)
        #expect(try withJSONScalar("\"\"") { token, bytes in token.equals("", in: bytes) } == true)
        #expect(try withJSONScalar("true") { token, bytes in token.equals("true", in: bytes) } == true)
        #expect(try withJSONScalar("12") { token, bytes in token.equals("12", in: bytes) } == true)
    }

    @Test func stringOfNonStrings() throws {
        #expect(try withJSONScalar("1.5e-3") { token, bytes in token.string(in: bytes) } == "1.5e-3")
        #expect(try withJSONScalar("true") { token, bytes in token.string(in: bytes) } == "true")
        #expect(try withJSONScalar("null") { token, _ in token.kind } == .null)
        #expect(try withJSONScalar("false") { token, _ in token.kind } == .bool)
    }

    @Test func tokensOfTheSameDocumentPointIntoIt() {
        let result = scanningJSON(#"{"event":"media","sequenceNumber":"12"}"#) { (scanner) throws(JSONScanError) in
            var tokens: [JSONToken] = []
            try scanner.readObject { (scanner, key) throws(JSONScanError) in
                tokens.append(key)
                if let value = try scanner.readScalar() { tokens.append(value) }
            }
            return tokens
        }
        #expect(
            result.jsonValue == [
                JSONToken(kind: .string, range: 2..<7, hasEscapes: false),
                JSONToken(kind: .string, range: 10..<15, hasEscapes: false),
                JSONToken(kind: .string, range: 18..<32, hasEscapes: false),
                JSONToken(kind: .string, range: 35..<37, hasEscapes: false),
            ])
    }
}

@Suite("JSONScanner random input")
struct JSONScannerRandomTests {
    /// Bytes that make up JSON, so random documents get past the first byte.
    static let alphabet =
        Array(#"{}[]:,"\\/ntrufalsebu0123456789-+.eE \#t"#.utf8) + [0x0A, 0x00, 0x1F, 0xC3, 0xA9, 0xFF]

    @Test func randomBytesNeverCrash() {
        var random = SplitMix64(seed: 0x4A53_4F4E)
        for round in 0..<20_000 {
            let length = Int.random(in: 0...48, using: &random)
            let bytes: [UInt8] =
                round.isMultiple(of: 2)
                ? (0..<length).map { _ in Self.alphabet.randomElement(using: &random)! }
                : (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            Self.check(bytes)
        }
    }

    /// Single-byte corruptions and truncations of a valid document.
    @Test func mutatedDocumentsNeverCrash() {
        let document = Array(
            #"{"event":"media","sequenceNumber":"4","media":{"track":"inbound","chunk":2,"payload":"\u00e9\/x==","x":[1.5e-3,true,null,{"y":[]}]}}"#
                .utf8)
        var random = SplitMix64(seed: 8259)
        for _ in 0..<5_000 {
            var bytes = document
            for _ in 0...Int.random(in: 0...3, using: &random) {
                bytes[Int.random(in: 0..<bytes.count, using: &random)] =
                    Self.alphabet.randomElement(using: &random)!
            }
            Self.check(bytes)
        }
    }

    @Test func everyProperPrefixOfADocumentEndsEarly() {
        let document = #"{"a":[10,true,"x\u00e9\"",{"b":null}],"c":{}}"#
        let bytes = Array(document.utf8)
        #expect(skipJSON(bytes).jsonValue == bytes.count)
        for length in 0..<bytes.count {
            let error = skipJSON(Array(bytes[..<length])).jsonError
            #expect(error?.description.hasPrefix("JSON ends early") == true, "prefix of \(length) bytes")
            #expect(error.map { $0.offset <= length } == true)
        }
    }

    static func check(_ bytes: [UInt8]) {
        switch skipJSON(bytes) {
        case .success(let offset): #expect(offset == bytes.count)
        case .failure(let error): #expect((0...bytes.count).contains(error.offset))
        }
        // The tree reader decodes every string it meets, escapes and all.
        let tree = scanningJSON(bytes) { (scanner) throws(JSONScanError) in
            let value = try JSONValue.read(&scanner)
            try scanner.finish()
            return value
        }
        // Both readers agree on what is valid.
        #expect((tree.jsonValue != nil) == (skipJSON(bytes).jsonValue != nil))
    }
}
