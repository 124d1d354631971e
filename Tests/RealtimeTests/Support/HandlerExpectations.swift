import Core
import Testing

@testable import Realtime

/// A text message, for compact expectations.
func text(_ string: String) -> WebSocketMessage { .text(string) }

/// The quiet configuration with `change` applied.
func configuration(_ change: (inout WebSocketEndpointConfiguration) -> Void) -> WebSocketEndpointConfiguration {
    var configuration = HandlerHarness.quietConfiguration
    change(&configuration)
    return configuration
}

/// The session heard `closed` exactly once, with this code and initiator, and still only once
/// after NIO removed the handler.
func expectClosedOnce(
    _ harness: HandlerHarness,
    _ closes: () -> [WebSocketCloseInfo],
    code: UInt16?,
    initiator: WebSocketCloseInfo.Initiator,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    #expect(harness.isClosed, "channel still open", sourceLocation: sourceLocation)
    try harness.finish()
    let expected = WebSocketCloseInfo(code: code.map { WebSocketCloseCode(rawValue: $0) }, initiator: initiator)
    #expect(closes() == [expected], sourceLocation: sourceLocation)
    let codeLabel = WebSocketRouteMetrics.label(expected.code)
    #expect(
        harness.metric("switchboard_ws_closes_total", [("code", codeLabel), ("initiator", initiator.rawValue)]) == 1,
        sourceLocation: sourceLocation
    )
    #expect(harness.metric("switchboard_ws_connections") == 0, sourceLocation: sourceLocation)
}
