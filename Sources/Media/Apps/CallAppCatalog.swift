/// The call apps a media stream can run, by the name the provider passes in
/// `start.customParameters.app`.
public struct CallAppCatalog: Sendable {
    public typealias Factory = @Sendable (MediaStreamInfo) -> any CallApp

    /// The app for streams that name none.
    public var defaultApp: String
    private var factories: [String: Factory] = [:]

    public init(defaultApp: String) {
        self.defaultApp = defaultApp
    }

    /// Adds (or replaces) an app.
    public mutating func register(_ name: String, _ factory: @escaping Factory) {
        self.factories[name] = factory
    }

    public var names: [String] { self.factories.keys.sorted() }

    /// The app a stream asks for, `nil` when there is no such app.
    public func makeApp(for info: MediaStreamInfo) -> (name: String, app: any CallApp)? {
        let name = info.customParameters["app"] ?? self.defaultApp
        guard let factory = self.factories[name] else { return nil }
        return (name, factory(info))
    }
}
