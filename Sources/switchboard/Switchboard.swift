import ArgumentParser
import Core

/// `switchboard`: the contact center's real-time backbone in one binary.
@main
struct Switchboard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchboard",
        abstract: "The real-time backbone of a contact center: media streams, agent live updates, sessions, CRM API.",
        version: SwitchboardVersion.current,
        subcommands: [Serve.self, Migrate.self, LoadGen.self, HeartbeatLoad.self],
        defaultSubcommand: Serve.self
    )
}
