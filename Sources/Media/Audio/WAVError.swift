/// A WAV file that cannot be read, or a WAV file that could not be written.
///
/// The description names the problem (and for I/O, the failed call and the `errno` text) in one line; it never
/// includes audio bytes.
public struct WAVError: Error, CustomStringConvertible, Sendable, Hashable {
    /// What went wrong, extensible without breaking callers (compare with the static members).
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        fileprivate enum Code: Sendable, Hashable {
            case notRIFF, notWAVE, missingFormat, missingData, malformedFormat, unsupportedEncoding
            case unsupportedBitDepth, tooLarge, io
        }

        fileprivate let code: Code

        /// The file does not start with a little-endian `RIFF` header (big-endian `RIFX` and `RF64` included).
        public static let notRIFF = Kind(code: .notRIFF)
        /// A RIFF file of another form type (AVI, ...).
        public static let notWAVE = Kind(code: .notWAVE)
        /// No `fmt ` chunk before the end of the file.
        public static let missingFormat = Kind(code: .missingFormat)
        /// No `data` chunk before the end of the file.
        public static let missingData = Kind(code: .missingData)
        /// A `fmt ` chunk that is truncated or self-contradictory (zero channels, wrong block alignment, ...).
        public static let malformedFormat = Kind(code: .malformedFormat)
        /// A format tag other than PCM, mu-law and A-law (IEEE float, ADPCM, MP3, ...).
        public static let unsupportedEncoding = Kind(code: .unsupportedEncoding)
        /// PCM that is not 16-bit, or G.711 that is not 8-bit.
        public static let unsupportedBitDepth = Kind(code: .unsupportedBitDepth)
        /// More audio than a RIFF file's 32-bit sizes can describe.
        public static let tooLarge = Kind(code: .tooLarge)
        /// A system call failed while writing.
        public static let io = Kind(code: .io)

        public var description: String {
            switch self.code {
            case .notRIFF: "not RIFF"
            case .notWAVE: "not WAVE"
            case .missingFormat: "missing format"
            case .missingData: "missing data"
            case .malformedFormat: "malformed format"
            case .unsupportedEncoding: "unsupported encoding"
            case .unsupportedBitDepth: "unsupported bit depth"
            case .tooLarge: "too large"
            case .io: "I/O error"
            }
        }
    }

    /// The kind of problem.
    public let kind: Kind
    private let detail: String

    private init(_ code: Kind.Code, _ detail: String) {
        self.kind = Kind(code: code)
        self.detail = detail
    }

    public var description: String {
        "WAV: \(self.detail)"
    }

    static var notRIFF: Self {
        Self(.notRIFF, "not a RIFF file (expected 'RIFF' at offset 0)")
    }

    static func notWAVE(_ form: String) -> Self {
        Self(.notWAVE, "RIFF form type is '\(form)', not 'WAVE'")
    }

    static var missingFormat: Self {
        Self(.missingFormat, "no 'fmt ' chunk")
    }

    static var missingData: Self {
        Self(.missingData, "no 'data' chunk")
    }

    static func malformedFormat(_ problem: String) -> Self {
        Self(.malformedFormat, "malformed 'fmt ' chunk: \(problem)")
    }

    static func unsupportedEncoding(tag: UInt16, extensible: Bool) -> Self {
        let name =
            switch tag {
            case 0x0002: " (Microsoft ADPCM)"
            case 0x0003: " (IEEE float)"
            case 0x0011: " (IMA ADPCM)"
            case 0x0031: " (GSM 6.10)"
            case 0x0055: " (MP3)"
            default: ""
            }
        let hex = String(tag, radix: 16, uppercase: true)
        let format = extensible ? "WAVE_FORMAT_EXTENSIBLE sub-format" : "format tag"
        return Self(
            .unsupportedEncoding,
            "\(format) 0x\(hex)\(name) is not supported (only PCM, mu-law and A-law)"
        )
    }

    static func unsupportedBitDepth(_ bits: Int, encoding: String, expected: Int) -> Self {
        Self(.unsupportedBitDepth, "\(bits)-bit \(encoding) is not supported (only \(expected)-bit)")
    }

    static var tooLarge: Self {
        Self(.tooLarge, "more audio than a 32-bit RIFF size can describe (4 GiB)")
    }

    static func io(_ operation: String, errno code: Int32, reason: String) -> Self {
        Self(.io, "\(operation) failed: \(reason) (errno \(code))")
    }
}
