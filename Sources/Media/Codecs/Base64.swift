public import NIOCore

/// Standard base64 (RFC 4648 section 4, alphabet `A-Z a-z 0-9 + /`, `=` padding), without Foundation.
///
/// Built for the media hot path (every inbound and outbound audio frame of a media stream is base64 in JSON):
/// table-driven, working on unsafe buffers, and never allocating per byte. The `ByteBuffer` variants append to
/// the caller's buffer, so a reused buffer does not allocate at all.
///
/// Decoding is strict about the alphabet and the padding but lenient about the unused low bits of the last
/// character (RFC 4648 section 3.5 allows either): `Zh==` decodes to `f` like `Zg==`, as most decoders do, so a
/// sloppy encoder on the other side does not cost a call its audio. Unpadded input (length % 4 of 2 or 3) is
/// accepted as well; whitespace and line breaks are not (RFC 4648 section 3.3).
public enum Base64 {
    /// The 64 characters, indexed by 6-bit value.
    static let encodeTable: [UInt8] = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8
    )

    /// Every byte's 6-bit value, or `invalid`: one load and one test per character instead of range checks.
    static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: invalid, count: 256)
        for (value, character) in encodeTable.enumerated() {
            table[Int(character)] = UInt8(value)
        }
        return table
    }()

    /// Marks a byte outside the alphabet in `decodeTable`; any of the top two bits set means invalid.
    static let invalid: UInt8 = 0xFF

    static let padding = UInt8(ascii: "=")

    /// The length of the padded encoding of `byteCount` bytes.
    @inlinable
    public static func encodedLength(_ byteCount: Int) -> Int {
        precondition(byteCount >= 0, "Base64.encodedLength: negative byte count")
        return (byteCount / 3 + (byteCount % 3 == 0 ? 0 : 1)) * 4
    }

    /// Appends the padded encoding of `bytes` to `output`.
    public static func encode(_ bytes: UnsafeRawBufferPointer, into output: inout ByteBuffer) {
        let length = self.encodedLength(bytes.count)
        guard length > 0 else {
            return
        }
        output.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { target in
            self.encode(bytes, to: target)
            return length
        }
    }

    /// Appends the padded encoding of `buffer`'s readable bytes to `output`.
    public static func encode(_ buffer: ByteBuffer, into output: inout ByteBuffer) {
        buffer.withUnsafeReadableBytes { self.encode($0, into: &output) }
    }

    /// The padded encoding of `bytes`.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        let encoded = bytes.withContiguousStorageIfAvailable { self.encodeToString(UnsafeRawBufferPointer($0)) }
        return encoded ?? Array(bytes).withUnsafeBytes { self.encodeToString($0) }
    }

    /// Appends the bytes that `text` encodes to `output`.
    ///
    /// On error `output` is left as it was (its writer index is not moved), whatever part of `text` was valid.
    public static func decode(_ text: UnsafeRawBufferPointer, into output: inout ByteBuffer) throws(Base64Error) {
        let layout = try self.layout(of: text)
        guard layout.decodedCount > 0 else {
            return
        }
        let characters = UnsafeRawBufferPointer(rebasing: text.prefix(layout.characterCount))
        _ = try output.writeWithUnsafeMutableBytes(minimumWritableBytes: layout.decodedCount) {
            target throws(Base64Error) in
            // Throwing out of the closure is what leaves the writer index where it was.
            if let failure = self.decode(characters, to: target) {
                throw failure
            }
            return layout.decodedCount
        }
    }

    /// Appends the bytes that `buffer`'s readable bytes encode to `output`, which is left as it was on error.
    public static func decode(_ buffer: ByteBuffer, into output: inout ByteBuffer) throws(Base64Error) {
        try buffer.withUnsafeReadableBytes { text throws(Base64Error) in try self.decode(text, into: &output) }
    }

    /// The bytes that `text` encodes, or `nil` if it is not valid base64.
    public static func decode(_ text: String) -> [UInt8]? {
        var text = text
        return text.withUTF8 { text in
            let text = UnsafeRawBufferPointer(text)
            guard let layout = try? self.layout(of: text) else {
                return nil
            }
            var failure: Base64Error?
            let bytes = [UInt8](unsafeUninitializedCapacity: layout.decodedCount) { target, initialized in
                failure = self.decode(
                    UnsafeRawBufferPointer(rebasing: text.prefix(layout.characterCount)),
                    to: UnsafeMutableRawBufferPointer(target)
                )
                initialized = failure == nil ? layout.decodedCount : 0
            }
            return failure == nil ? bytes : nil
        }
    }
}

extension Base64 {
    /// How a piece of text splits into data characters and padding, once its length and padding are known good.
    struct Layout {
        /// The characters before the padding.
        var characterCount: Int
        var decodedCount: Int
    }

    /// Checks the length and the padding, which only depend on the end of the text; the characters themselves
    /// are checked while decoding.
    static func layout(of text: UnsafeRawBufferPointer) throws(Base64Error) -> Layout {
        var characterCount = text.count
        if characterCount > 0, text[characterCount - 1] == self.padding {
            // Padding only ever completes a quantum, so padded text is whole quanta.
            guard characterCount % 4 == 0 else {
                throw self.firstError(in: text, from: 0) ?? Base64Error(.misplacedPadding, offset: characterCount - 1)
            }
            characterCount -= text[characterCount - 2] == self.padding ? 2 : 1
        }
        let remainder = characterCount % 4
        guard remainder != 1 else {
            // One character holds only 6 bits: not even one byte. A bad character earlier is the better report.
            let text = UnsafeRawBufferPointer(rebasing: text.prefix(characterCount))
            throw self.firstError(in: text, from: 0) ?? Base64Error(.truncatedQuantum, offset: characterCount - 1)
        }
        return Layout(characterCount: characterCount, decodedCount: characterCount / 4 * 3 + max(remainder - 1, 0))
    }

    /// Encodes `bytes` into the first `encodedLength(bytes.count)` bytes of `target`.
    static func encode(_ bytes: UnsafeRawBufferPointer, to target: UnsafeMutableRawBufferPointer) {
        self.encodeTable.withUnsafeBufferPointer { table in
            var input = 0
            var output = 0
            let wholeGroups = bytes.count - bytes.count % 3
            while input < wholeGroups {
                let group = UInt32(bytes[input]) << 16 | UInt32(bytes[input + 1]) << 8 | UInt32(bytes[input + 2])
                target[output] = table[Int(group >> 18)]
                target[output + 1] = table[Int(group >> 12 & 0x3F)]
                target[output + 2] = table[Int(group >> 6 & 0x3F)]
                target[output + 3] = table[Int(group & 0x3F)]
                input += 3
                output += 4
            }
            switch bytes.count - wholeGroups {
            case 1:
                let group = UInt32(bytes[input]) << 16
                target[output] = table[Int(group >> 18)]
                target[output + 1] = table[Int(group >> 12 & 0x3F)]
                target[output + 2] = self.padding
                target[output + 3] = self.padding
            case 2:
                let group = UInt32(bytes[input]) << 16 | UInt32(bytes[input + 1]) << 8
                target[output] = table[Int(group >> 18)]
                target[output + 1] = table[Int(group >> 12 & 0x3F)]
                target[output + 2] = table[Int(group >> 6 & 0x3F)]
                target[output + 3] = self.padding
            default:
                break
            }
        }
    }

    static func encodeToString(_ bytes: UnsafeRawBufferPointer) -> String {
        let length = self.encodedLength(bytes.count)
        return String(unsafeUninitializedCapacity: length) { target in
            self.encode(bytes, to: UnsafeMutableRawBufferPointer(target))
            return length
        }
    }

    /// Decodes unpadded `text` (whose length is not 1 modulo 4) into the start of `target`, returning the error
    /// for the first character outside the alphabet, if any.
    static func decode(_ text: UnsafeRawBufferPointer, to target: UnsafeMutableRawBufferPointer) -> Base64Error? {
        self.decodeTable.withUnsafeBufferPointer { table in
            var input = 0
            var output = 0
            let wholeQuanta = text.count - text.count % 4
            while input < wholeQuanta {
                let a = table[Int(text[input])]
                let b = table[Int(text[input + 1])]
                let c = table[Int(text[input + 2])]
                let d = table[Int(text[input + 3])]
                // One test per quantum: only the invalid marker has either of the top two bits set.
                guard (a | b | c | d) & 0xC0 == 0 else {
                    return self.firstError(in: text, from: input)
                }
                let group = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                target[output] = UInt8(truncatingIfNeeded: group >> 16)
                target[output + 1] = UInt8(truncatingIfNeeded: group >> 8)
                target[output + 2] = UInt8(truncatingIfNeeded: group)
                input += 4
                output += 3
            }
            let remainder = text.count - wholeQuanta
            guard remainder > 0 else {
                return nil
            }
            let a = table[Int(text[input])]
            let b = table[Int(text[input + 1])]
            let c = remainder == 3 ? table[Int(text[input + 2])] : 0
            guard (a | b | c) & 0xC0 == 0 else {
                return self.firstError(in: text, from: input)
            }
            // The low bits of the last character are dropped unchecked: see the type's documentation.
            let group = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6
            target[output] = UInt8(truncatingIfNeeded: group >> 16)
            if remainder == 3 {
                target[output + 1] = UInt8(truncatingIfNeeded: group >> 8)
            }
            return nil
        }
    }

    /// The slow path, taken once per failed decode: which character is wrong, and how.
    static func firstError(in text: UnsafeRawBufferPointer, from start: Int) -> Base64Error? {
        self.decodeTable.withUnsafeBufferPointer { table in
            for offset in start..<text.count where table[Int(text[offset])] == self.invalid {
                return text[offset] == self.padding
                    ? Base64Error(.misplacedPadding, offset: offset)
                    : Base64Error(.invalidCharacter(text[offset]), offset: offset)
            }
            return nil
        }
    }
}

/// Text that is not valid base64, and the byte offset in it where that shows.
///
/// The description names the offending byte only as a hex value, so it stays one printable line whatever the
/// input held.
public struct Base64Error: Error, CustomStringConvertible, Sendable, Hashable {
    /// What is wrong, extensible without breaking callers (compare with the static members).
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        fileprivate enum Code: Sendable, Hashable {
            case invalidCharacter
            case misplacedPadding
            case truncatedQuantum
        }

        fileprivate let code: Code

        /// A byte outside the base64 alphabet (whitespace and the URL-safe `-` and `_` included).
        public static let invalidCharacter = Kind(code: .invalidCharacter)
        /// An `=` anywhere but in the last two places of whole quanta.
        public static let misplacedPadding = Kind(code: .misplacedPadding)
        /// A single character after the last whole quantum: 6 bits cannot make a byte.
        public static let truncatedQuantum = Kind(code: .truncatedQuantum)

        public var description: String {
            switch self.code {
            case .invalidCharacter: "invalid character"
            case .misplacedPadding: "misplaced padding"
            case .truncatedQuantum: "truncated quantum"
            }
        }
    }

    fileprivate enum Code: Sendable, Hashable {
        case invalidCharacter(UInt8)
        case misplacedPadding
        case truncatedQuantum
    }

    private let code: Code

    /// The byte offset, from the start of the text, of the character that makes it invalid.
    public let offset: Int

    fileprivate init(_ code: Code, offset: Int) {
        self.code = code
        self.offset = offset
    }

    public var kind: Kind {
        switch self.code {
        case .invalidCharacter: .invalidCharacter
        case .misplacedPadding: .misplacedPadding
        case .truncatedQuantum: .truncatedQuantum
        }
    }

    public var description: String {
        switch self.code {
        case .invalidCharacter(let byte):
            let hex = String(byte, radix: 16, uppercase: true)
            return
                "invalid base64: byte 0x\(byte < 0x10 ? "0" : "")\(hex) at offset \(self.offset) is not in the alphabet"
        case .misplacedPadding:
            return "invalid base64: '=' at offset \(self.offset) is not at the end of the last quantum"
        case .truncatedQuantum:
            return "invalid base64: a lone character at offset \(self.offset) cannot encode a byte"
        }
    }
}
