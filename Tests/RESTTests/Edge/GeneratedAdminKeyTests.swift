import Core
import Foundation
import REST
import Testing

@Suite struct GeneratedAdminKeyTests {
    @Test func firstCallCreatesAPrivateFileAndLaterCallsReuseIt() throws {
        let directory = temporaryPath("switchboard-admin-key")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        let first = try GeneratedAdminKey.loadOrCreate(dataDirectory: directory)
        #expect(first.wasCreated)
        #expect(first.path == directory + "/admin-api-key")
        // 32 bytes in unpadded base64url.
        #expect(first.key.count == 43)
        #expect(first.key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        #expect(APIKeyGrant(parsing: first.key + ":admin")?.key == first.key, "the key must fit in API_KEYS")

        let attributes = try FileManager.default.attributesOfItem(atPath: first.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try String(contentsOfFile: first.path, encoding: .utf8) == first.key + "\n")

        let second = try GeneratedAdminKey.loadOrCreate(dataDirectory: directory + "/")
        #expect(!second.wasCreated)
        #expect(second.key == first.key)
    }

    @Test func eachDataDirectoryGetsItsOwnKey() throws {
        let first = temporaryPath("switchboard-admin-key")
        let second = temporaryPath("switchboard-admin-key")
        defer {
            try? FileManager.default.removeItem(atPath: first)
            try? FileManager.default.removeItem(atPath: second)
        }
        #expect(
            try GeneratedAdminKey.loadOrCreate(dataDirectory: first).key
                != GeneratedAdminKey.loadOrCreate(dataDirectory: second).key)
    }

    @Test func missingDirectoriesAreCreated() throws {
        let root = temporaryPath("switchboard-admin-key")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let key = try GeneratedAdminKey.loadOrCreate(dataDirectory: root + "/nested/data")
        #expect(key.wasCreated)
        #expect(FileManager.default.fileExists(atPath: root + "/nested/data/admin-api-key"))
    }

    @Test func handWrittenKeyIsReadWithoutItsNewline() throws {
        let directory = temporaryPath("switchboard-admin-key")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "  my-own-admin-key\r\n".write(toFile: directory + "/admin-api-key", atomically: true, encoding: .utf8)
        let key = try GeneratedAdminKey.loadOrCreate(dataDirectory: directory)
        #expect(key.key == "my-own-admin-key")
        #expect(!key.wasCreated)
    }

    @Test(arguments: ["", "   \n\t\n", "two words", String(repeating: "k", count: 2000)])
    func unusableFileIsRefusedNotReplaced(contents: String) throws {
        let directory = temporaryPath("switchboard-admin-key")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/admin-api-key"
        try contents.write(toFile: path, atomically: true, encoding: .utf8)

        let error = #expect(throws: GeneratedAdminKeyError.self) {
            try GeneratedAdminKey.loadOrCreate(dataDirectory: directory)
        }
        #expect(error?.isMalformed == true)
        #expect(error?.path == path)
        #expect(error?.description.contains(path) == true, "\(error.map(String.init(describing:)) ?? "")")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == contents, "the file was changed")
    }

    @Test func descriptionNeverShowsTheKey() throws {
        let directory = temporaryPath("switchboard-admin-key")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let key = try GeneratedAdminKey.loadOrCreate(dataDirectory: directory)
        #expect(!"\(key)".contains(key.key))
        #expect(!String(reflecting: key).contains(key.key))
    }
}
