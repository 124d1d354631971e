import CoreMetrics
import Metrics

/// The metrics of one route, created once when the server is built. Dimensions are the route
/// template and small fixed sets (queue, close code), never ids.
struct WebSocketRouteMetrics: Sendable {
    let connections: Meter
    let messagesReceived: Counter
    let messagesSent: Counter
    let inboundDropped: Counter
    let outboundDropped: Counter
    let queueOverflowCloses: Counter
    let keepaliveTimeouts: Counter
    private let route: String
    private let factory: any MetricsFactory

    init(route: String, factory: any MetricsFactory) {
        self.route = route
        self.factory = factory
        let dimensions = [("route", route)]
        self.connections = Meter(label: "switchboard_ws_connections", dimensions: dimensions, factory: factory)
        self.messagesReceived = Counter(
            label: "switchboard_ws_messages_received_total", dimensions: dimensions, factory: factory)
        self.messagesSent = Counter(
            label: "switchboard_ws_messages_sent_total", dimensions: dimensions, factory: factory)
        self.inboundDropped = Counter(
            label: "switchboard_ws_queue_dropped_total",
            dimensions: dimensions + [("queue", "inbound")],
            factory: factory
        )
        self.outboundDropped = Counter(
            label: "switchboard_ws_queue_dropped_total",
            dimensions: dimensions + [("queue", "outbound")],
            factory: factory
        )
        self.queueOverflowCloses = Counter(
            label: "switchboard_ws_queue_overflow_closes_total", dimensions: dimensions, factory: factory)
        self.keepaliveTimeouts = Counter(
            label: "switchboard_ws_keepalive_timeouts_total", dimensions: dimensions, factory: factory)
    }

    /// Counts a close by its code. A peer may send any of the 2,000 application codes, so those
    /// are counted by range (`3xxx`, `4xxx`) except the ones Switchboard itself sends; the label
    /// set stays bounded whatever peers do.
    func closed(code: WebSocketCloseCode?, initiator: String) {
        Counter(
            label: "switchboard_ws_closes_total",
            dimensions: [("route", self.route), ("code", Self.label(code)), ("initiator", initiator)],
            factory: self.factory
        ).increment()
    }

    static func label(_ code: WebSocketCloseCode?) -> String {
        guard let code else { return "none" }
        switch code.rawValue {
        case 1000...1015, WebSocketCloseCode.slowConsumer.rawValue: return String(code.rawValue)
        case 3000...3999: return "3xxx"
        case 4000...4999: return "4xxx"
        default: return "other"
        }
    }
}

/// Upgrade outcomes, by a bounded reason.
struct WebSocketUpgradeMetrics: Sendable {
    private let factory: any MetricsFactory
    let accepted: Counter

    init(factory: any MetricsFactory) {
        self.factory = factory
        self.accepted = Counter(
            label: "switchboard_ws_upgrades_total", dimensions: [("result", "accepted")], factory: factory)
    }

    func rejected(_ rejection: HandshakeRejection) {
        Counter(
            label: "switchboard_ws_upgrades_total",
            dimensions: [("result", "rejected"), ("reason", rejection.reason)],
            factory: self.factory
        ).increment()
    }
}
