import Core
import Testing

@testable import Realtime

@Suite("WebSocketRoutes")
struct WebSocketRoutesTests {
    private func routes(_ templates: String...) -> WebSocketRoutes {
        var routes = WebSocketRoutes()
        for template in templates { routes.add(template, EchoEndpoint()) }
        return routes
    }

    @Test func aLiteralPathMatchesItsTemplate() throws {
        let routes = self.routes("/v1/echo", "/v1/other")
        let match = try #require(routes.match("/v1/echo"))
        #expect(match.route.template.description == "/v1/echo")
        #expect(match.parameters.isEmpty)
        #expect(routes.match("/v1/other")?.route.template.description == "/v1/other")
    }

    @Test func parametersAreExtracted() throws {
        let routes = self.routes("/v1/calls/{sid}/listen", "/v1/rooms/{room}/members/{member}")
        let call = try #require(routes.match("/v1/calls/CA123/listen"))
        #expect(call.route.template.description == "/v1/calls/{sid}/listen")
        #expect(call.parameters == ["sid": "CA123"])
        let member = try #require(routes.match("/v1/rooms/r1/members/m-2"))
        #expect(member.parameters == ["room": "r1", "member": "m-2"])
    }

    @Test(arguments: [
        "/v1/echoes", "/v1/ech", "/v1", "/", "", "/v2/echo", "/v1/echo/extra", "/V1/echo", "/v1/calls//listen",
        "/v1/calls/CA1",
    ])
    func otherPathsDoNotMatch(path: String) {
        let routes = self.routes("/v1/echo", "/v1/calls/{sid}/listen")
        #expect(routes.match(path) == nil)
        #expect(!routes.contains(path: path))
    }

    /// A trailing slash is a different path, as it is for Hummingbird's router.
    @Test func aTrailingSlashDoesNotMatch() {
        let routes = self.routes("/v1/echo", "/v1/calls/{sid}")
        #expect(routes.match("/v1/echo/") == nil)
        #expect(routes.match("/v1/calls/CA1/") == nil)
        #expect(routes.match("/v1/echo") != nil)
    }

    @Test func theFirstRouteAddedWins() throws {
        let routes = self.routes("/v1/calls/{sid}", "/v1/calls/special")
        let match = try #require(routes.match("/v1/calls/special"))
        #expect(match.route.template.description == "/v1/calls/{sid}")
        #expect(match.parameters == ["sid": "special"])
    }

    @Test func aParameterTakesOneWholeSegment() throws {
        let routes = self.routes("/v1/files/{name}")
        #expect(routes.match("/v1/files/a/b") == nil)
        #expect(try #require(routes.match("/v1/files/a.b%20c")).parameters == ["name": "a.b%20c"])
    }

    @Test func containsAnswersForThePathOnly() {
        let routes = self.routes("/v1/echo")
        #expect(routes.contains(path: "/v1/echo"))
        #expect(!routes.contains(path: "/v1/nothing"))
        #expect(!WebSocketRoutes().contains(path: "/v1/echo"))
    }
}
