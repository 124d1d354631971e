import ArgumentParser
import Core
import Foundation
import REST
import Storage

/// `switchboard migrate`: brings the database `serve` would use up to date, then exits. `serve`
/// migrates at start-up too; this is for deploys that migrate before rolling instances.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply the database migrations (SQLite in DATA_DIR, or DATABASE_URL) and exit.")

    @OptionGroup var options: ServeOptions

    func run() async throws {
        let configuration = try self.options.configuration()
        let database = SwitchboardServer.makeDatabase(configuration)
        let result: Result<[Migration], any Error>
        do {
            result = .success(try await Migrator().migrate(database))
        } catch {
            result = .failure(error)
        }
        try? await database.shutdown()
        switch result {
        case .success(let applied):
            for migration in applied { print("applied \(migration.version) \(migration.name)") }
            let current = Migrator().migrations.map(\.version).max() ?? 0
            print("schema is at version \(current) (\(database.dialect.rawValue))")
        case .failure(let error):
            FileHandle.standardError.write(Data("switchboard: migration failed: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
