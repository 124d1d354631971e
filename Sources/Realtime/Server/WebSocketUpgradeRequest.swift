public import NIOCore
public import NIOHTTP1

/// What an endpoint sees of the upgrade request.
public struct WebSocketUpgradeRequest: Sendable {
    /// The path without the query string.
    public var path: String
    /// The route template that matched, e.g. `/v1/calls/{sid}/listen`: bounded, fit for metric labels.
    public var route: String
    /// Values of the template's `{name}` segments.
    public var parameters: [String: String]
    public var query: String?
    public var headers: HTTPHeaders
    public var remoteAddress: SocketAddress?

    public init(
        path: String,
        route: String,
        parameters: [String: String] = [:],
        query: String? = nil,
        headers: HTTPHeaders = [:],
        remoteAddress: SocketAddress? = nil
    ) {
        self.path = path
        self.route = route
        self.parameters = parameters
        self.query = query
        self.headers = headers
        self.remoteAddress = remoteAddress
    }
}
