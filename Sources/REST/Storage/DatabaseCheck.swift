import Core
import Storage

/// `/ready`'s `database` check: the schema is migrated and a trivial query answers.
struct DatabaseCheck: ReadinessCheck {
    let database: SQLDatabase
    let gate: StorageGate

    var name: String { "database" }

    func check() async -> ReadinessReport {
        let report = await self.database.check()
        guard report.isReady else { return report }
        return self.gate.isOpen ? .ok : ReadinessReport(isReady: false, detail: "migrating")
    }
}
