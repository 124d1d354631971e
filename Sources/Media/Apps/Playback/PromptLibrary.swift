public import NIOCore
public import NIOPosix

#if canImport(Glibc)
    import Glibc
#endif

/// Finds and loads the WAV prompts the `playback` app plays, as 8 kHz mono mu-law.
///
/// Prompts are named by the provider (`start.customParameters.prompt`), so a name is only a file
/// name inside ``directory``: letters, digits, `.`, `_` and `-`, never a path. Loading reads the
/// file on the thread pool, never on the event loop.
public struct PromptLibrary: Sendable {
    public struct LoadError: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    public let directory: String
    /// Larger files are refused rather than read into memory (8 MiB = ~17 min of 8 kHz mu-law).
    public var maximumFileBytes = 8 << 20
    private let pool: NIOThreadPool

    public init(directory: String, pool: NIOThreadPool) {
        self.directory = directory
        self.pool = pool
    }

    /// The file a prompt name refers to, or `nil` when the name is not a safe file name.
    public func path(for name: String) -> String? {
        guard !name.isEmpty, name.utf8.count <= 128, !name.hasPrefix("."),
            name.unicodeScalars.allSatisfy({ SafeFileName.isAllowed($0, extra: "._-") })
        else { return nil }
        return self.directory + "/" + (name.lowercased().hasSuffix(".wav") ? name : name + ".wav")
    }

    /// Loads the prompt `name` as 8 kHz mono mu-law bytes; the future completes on `eventLoop`.
    public func load(_ name: String, on eventLoop: any EventLoop) -> EventLoopFuture<[UInt8]> {
        guard let path = self.path(for: name) else {
            return eventLoop.makeFailedFuture(LoadError(description: "prompt name '\(name.prefix(64))' is not allowed"))
        }
        let limit = self.maximumFileBytes
        return self.pool.runIfActive(eventLoop: eventLoop) {
            let bytes = try Self.readFile(path, limit: limit)
            do {
                return try WAVReader(bytes).muLaw8k()
            } catch {
                throw LoadError(description: "prompt '\(name)' is not a usable WAV file: \(error)")
            }
        }
    }

    /// Errors name the file, not its directory: they end up in close reasons sent to the provider.
    static func readFile(_ path: String, limit: Int) throws -> [UInt8] {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw LoadError(description: "prompt \(file) not found") }
        defer { _ = close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw LoadError(description: "prompt \(file) cannot be read")
            }
            if count == 0 { return bytes }
            guard bytes.count + count <= limit else {
                throw LoadError(description: "prompt \(file) is larger than \(limit) bytes")
            }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }

    /// The prompt played when a stream names none: four short 440 Hz beeps, 2 s in all, so a caller
    /// (or a test) hears that playback works without any file installed.
    public static let builtIn: [UInt8] = {
        var output: [UInt8] = []
        for _ in 0..<4 {
            for index in 0..<2400 {  // 300 ms of tone
                let sample = 8000 * sin(2 * Double.pi * 440 * Double(index) / 8000)
                output.append(MuLaw.encode(Int16(sample)))
            }
            output.append(contentsOf: [UInt8](repeating: 0xFF, count: 1600))  // 200 ms of silence
        }
        return output
    }()
}
