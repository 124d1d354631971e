import Core

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The admin key a server uses when `API_KEYS` is unset, kept in `DATA_DIR/admin-api-key` so that
/// it survives restarts.
///
/// The first start creates the file (mode 0600) with a fresh key; later starts read it back. A file
/// that exists but holds no usable key is refused rather than replaced: replacing it would silently
/// lock out every client that has the old key.
public struct GeneratedAdminKey: Sendable, CustomStringConvertible {
    /// The file's name inside the data directory.
    public static let fileName = "admin-api-key"

    /// The secret itself: 32 random bytes, base64url without padding (43 characters).
    public let key: String
    /// Where the key is kept.
    public let path: String
    /// Whether this call created the file, i.e. whether the key has never been shown before.
    public let wasCreated: Bool

    /// The key never appears in logs through string interpolation.
    public var description: String {
        "GeneratedAdminKey(path: \(self.path), wasCreated: \(self.wasCreated), key: <redacted>)"
    }

    /// Reads the key from `dataDirectory/admin-api-key`, creating the directory and the file when the
    /// file is missing.
    ///
    /// Blocking file I/O: call it at startup, before the server runs.
    public static func loadOrCreate(dataDirectory: String) throws(GeneratedAdminKeyError) -> GeneratedAdminKey {
        let directory =
            dataDirectory.count > 1 && dataDirectory.hasSuffix("/")
            ? String(dataDirectory.dropLast()) : dataDirectory
        let path = (directory.isEmpty ? "." : directory) + (directory.hasSuffix("/") ? "" : "/") + Self.fileName
        if let key = try Self.readKey(path) {
            return GeneratedAdminKey(key: key, path: path, wasCreated: false)
        }
        try Self.makeDirectories(directory, for: path)
        let key = Self.randomKey()
        guard try Self.createKey(path, key: key) else {
            // Another process created the file between our read and our create: its key is the one.
            guard let existing = try Self.readKey(path) else { throw .unreadable(path: path, errno: ENOENT) }
            return GeneratedAdminKey(key: existing, path: path, wasCreated: false)
        }
        return GeneratedAdminKey(key: key, path: path, wasCreated: true)
    }

    private init(key: String, path: String, wasCreated: Bool) {
        self.key = key
        self.path = path
        self.wasCreated = wasCreated
    }

    static func randomKey() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Base64URL.encode(bytes)
    }

    /// The key in the file, or `nil` when there is no file.
    private static func readKey(_ path: String) throws(GeneratedAdminKeyError) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let error = errno
            if error == ENOENT { return nil }
            throw .unreadable(path: path, errno: error)
        }
        defer { _ = close(descriptor) }
        // A key is under 100 bytes; reading a little past the limit is enough to refuse anything larger.
        let limit = 1024
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: limit + 1)
        while bytes.count <= limit {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                let error = errno
                if error == EINTR { continue }
                throw .unreadable(path: path, errno: error)
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        guard bytes.count <= limit else { throw .malformed(path: path) }
        // Editors and `echo` add a trailing newline; surrounding whitespace is never part of a key.
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        let trimmed = bytes.drop(while: isSpace).reversed().drop(while: isSpace).reversed()
        // The same alphabet `API_KEYS` allows, so a key copied from here can be put there.
        guard !trimmed.isEmpty, trimmed.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw .malformed(path: path)
        }
        return String(decoding: trimmed, as: UTF8.self)
    }

    /// Writes a new file holding `key`; `false` when the file already exists.
    private static func createKey(_ path: String, key: String) throws(GeneratedAdminKeyError) -> Bool {
        // O_EXCL: never overwrite a key someone already has. The mode is set at creation, so the
        // secret is never readable by others, not even for a moment.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let error = errno
            if error == EEXIST { return false }
            throw .notWritable(path: path, errno: error)
        }
        let contents = Array((key + "\n").utf8)
        var written = 0
        var failure: Int32?
        while written < contents.count {
            let count = contents[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                failure = errno
                break
            }
            written += count
        }
        if failure == nil && fsync(descriptor) != 0 {
            failure = errno
        }
        _ = close(descriptor)
        if let failure {
            // A half-written file would be refused on the next start; better that it not exist.
            _ = unlink(path)
            throw .notWritable(path: path, errno: failure)
        }
        return true
    }

    private static func makeDirectories(_ directory: String, for path: String) throws(GeneratedAdminKeyError) {
        guard !directory.isEmpty else { return }
        var prefix = directory.hasPrefix("/") ? "" : "."
        for component in directory.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o700) != 0 && errno != EEXIST {
                throw .notWritable(path: path, errno: errno)
            }
        }
    }
}

/// Why the generated admin key cannot be used. The description names the file and never its contents.
public struct GeneratedAdminKeyError: Error, CustomStringConvertible, Sendable, Hashable {
    private enum Code: Hashable, Sendable {
        case unreadable(errno: Int32)
        case notWritable(errno: Int32)
        case malformed
    }

    private let code: Code
    /// The key file.
    public let path: String

    private init(_ code: Code, path: String) {
        self.code = code
        self.path = path
    }

    static func unreadable(path: String, errno: Int32) -> Self { .init(.unreadable(errno: errno), path: path) }
    static func notWritable(path: String, errno: Int32) -> Self { .init(.notWritable(errno: errno), path: path) }
    static func malformed(path: String) -> Self { .init(.malformed, path: path) }

    /// Whether the file exists but holds no usable key.
    public var isMalformed: Bool { self.code == .malformed }

    public var description: String {
        switch self.code {
        case .unreadable(let error):
            return "cannot read the admin key file \(self.path): \(Self.reason(error))"
        case .notWritable(let error):
            return "cannot create the admin key file \(self.path): \(Self.reason(error))"
        case .malformed:
            return "the admin key file \(self.path) holds no usable key (it must be one line of printable "
                + "characters without spaces); fix it, delete it to generate a new key, or set API_KEYS"
        }
    }

    private static func reason(_ error: Int32) -> String {
        strerror(error).map { String(cString: $0) } ?? "errno \(error)"
    }
}
