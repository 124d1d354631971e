public import Logging

extension LoggingSystem {
    /// Installs Switchboard's log handler for the whole process: human-readable text on standard error
    /// by default, or JSON lines. Call once, before anything logs.
    public static func bootstrapSwitchboard(format: SwitchboardConfiguration.LogFormat, level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            switch format {
            case .text:
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            case .json:
                return JSONLogHandler(label: label, logLevel: level)
            }
        }
    }
}
