import Core
import Media
import NIOPosix

extension SwitchboardServer {
    /// The call apps `/v1/media` offers, by the name a stream asks for in `start.customParameters.app`.
    static func callApps(_ configuration: SwitchboardConfiguration) -> CallAppCatalog {
        var catalog = CallAppCatalog(defaultApp: configuration.mediaDefaultApp)
        catalog.register("echo") { _ in EchoApp() }
        let monitor = MonitorApp.Configuration(
            recordingsDirectory: configuration.effectiveRecordingsDirectory, threadPool: .singleton)
        catalog.register("monitor") { _ in MonitorApp(configuration: monitor) }
        let playback = PlaybackApp.Configuration(
            prompts: PromptLibrary(directory: configuration.effectivePromptsDirectory, pool: .singleton))
        catalog.register("playback") { _ in PlaybackApp(configuration: playback) }
        return catalog
    }
}
