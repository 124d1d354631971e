import ArgumentParser
import Core
import Foundation
import Testing

@testable import switchboard

/// The variable names live in three places (the parser, `SwitchboardConfiguration.variables`, the
/// CLI flags); this keeps the flags and the list from drifting apart.
@Suite("serve flags")
struct ServeOptionsTests {
    @Test("Every variable has a kebab-case flag that maps back to it", arguments: SwitchboardConfiguration.variables)
    func flagMapsToItsVariable(variable: String) throws {
        let flag = "--" + variable.lowercased().replacingOccurrences(of: "_", with: "-")
        let options = try ServeOptions.parse([flag, "value"])
        #expect(options.flags == [variable: "value"])
    }

    @Test("No flag maps to a variable the configuration does not read")
    func noExtraFlags() throws {
        let arguments = SwitchboardConfiguration.variables.flatMap {
            ["--" + $0.lowercased().replacingOccurrences(of: "_", with: "-"), "1"]
        }
        let options = try ServeOptions.parse(arguments)
        #expect(Set(options.flags.keys) == Set(SwitchboardConfiguration.variables))
    }
}
