import Testing

@testable import Realtime

@Suite("WebSocketCloseCode")
struct WebSocketCloseCodeTests {
    /// RFC 6455 7.4 and the IANA registry: what a peer may put in a close frame.
    static func expectedOnTheWire(_ code: UInt16) -> Bool {
        switch code {
        case 1000, 1001, 1002, 1003: true
        case 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014: true
        case 3000...4999: true
        default: false
        }
    }

    @Test func everyCodeIsClassifiedByItsRange() {
        var wrong: [UInt16] = []
        for raw in UInt16.min...UInt16.max
        where WebSocketCloseCode(rawValue: raw).isValidOnTheWire != Self.expectedOnTheWire(raw) {
            wrong.append(raw)
        }
        #expect(wrong.isEmpty, "misclassified: \(wrong.prefix(10))")
    }

    @Test(arguments: [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535] as [UInt16])
    func reservedAndOutOfRangeCodesAreInvalid(raw: UInt16) {
        #expect(!WebSocketCloseCode(rawValue: raw).isValidOnTheWire)
    }

    @Test(arguments: [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1014, 3000, 3999, 4000, 4999] as [UInt16])
    func assignedAndApplicationCodesAreValid(raw: UInt16) {
        #expect(WebSocketCloseCode(rawValue: raw).isValidOnTheWire)
    }

    @Test func namedCodesHaveTheirRFCValuesAndCanBeSent() {
        let named: [(WebSocketCloseCode, UInt16)] = [
            (.normalClosure, 1000), (.goingAway, 1001), (.protocolError, 1002), (.unsupportedData, 1003),
            (.invalidPayload, 1007), (.policyViolation, 1008), (.messageTooBig, 1009), (.internalError, 1011),
            (.tryAgainLater, 1013), (.slowConsumer, 4008),
        ]
        for (code, raw) in named {
            #expect(code.rawValue == raw)
            #expect(code.isValidOnTheWire, "\(raw)")
            #expect(code.description == String(raw))
        }
    }
}

@Suite("Close code metric label")
struct CloseCodeMetricLabelTests {
    @Test("Every possible code maps to one of a small fixed set of labels")
    func labelsAreBounded() {
        let labels = Set((0...UInt16.max).map { WebSocketRouteMetrics.label(WebSocketCloseCode(rawValue: $0)) })
        #expect(labels.count <= 16 + 1 + 3)
        #expect(WebSocketRouteMetrics.label(nil) == "none")
    }

    @Test(
        "Protocol codes and Switchboard's own keep their number, peer application codes are bucketed",
        arguments: [
            (1000, "1000"), (1001, "1001"), (1009, "1009"), (4008, "4008"), (3000, "3xxx"), (3999, "3xxx"),
            (4000, "4xxx"), (4999, "4xxx"), (2000, "other"), (0, "other"),
        ] as [(UInt16, String)]
    )
    func label(code: UInt16, expected: String) {
        #expect(WebSocketRouteMetrics.label(WebSocketCloseCode(rawValue: code)) == expected)
    }
}
