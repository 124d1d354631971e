import ArgumentParser
import Core
import Foundation
import Logging
import Metrics
import Prometheus
import REST
import ServiceLifecycle
import UnixSignals

/// `switchboard serve`: everything in one process on embedded defaults.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the server (the default command).")

    @OptionGroup var options: ServeOptions

    func run() async throws {
        let configuration = try self.options.configuration()

        LoggingSystem.bootstrapSwitchboard(format: configuration.logFormat, level: configuration.logLevel)
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(SwitchboardServer.makeMetricsFactory(registry: registry))
        let logger = Logger(label: "switchboard")

        let server: SwitchboardServer
        do {
            server = try SwitchboardServer(configuration: configuration, logger: logger, metricsRegistry: registry)
        } catch {
            FileHandle.standardError.write(Data("switchboard: \(error)\n".utf8))
            throw ExitCode(64)
        }
        if let generated = server.generatedAdminKey, generated.wasCreated {
            // Printed once, on standard output only: the key never goes to the log. Written
            // unbuffered, since `print` would hold it back when standard output is a pipe.
            let line = "switchboard: API_KEYS is unset; generated an admin key (kept in \(generated.path)): "
            FileHandle.standardOutput.write(Data((line + generated.key + "\n").utf8))
        }
        if case .incompatible(let error) = await server.prepareStorage() {
            FileHandle.standardError.write(Data("switchboard: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let services = server.makeServices { port in
            logger.info(
                "Switchboard listening",
                metadata: [
                    "http.host": "\(configuration.host)", "http.port": "\(port)",
                    "version": "\(SwitchboardVersion.current)",
                ]
            )
        }
        var groupConfiguration = ServiceGroupConfiguration(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        groupConfiguration.maximumGracefulShutdownDuration = configuration.drainTimeout
        groupConfiguration.maximumCancellationDuration = .seconds(2)
        try await ServiceGroup(configuration: groupConfiguration).run()
        logger.info("Switchboard stopped")
    }
}
