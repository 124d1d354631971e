import NIOCore

/// The wire bytes of the three requests a heartbeat run sends. The fixed headers are rendered once;
/// a heartbeat is its path plus those bytes, written into the connection's reused buffer.
struct HeartbeatRequests: Sendable {
    /// `Host`, `X-API-Key`, then the CRLF that ends the header line before them.
    private let commonHeaders: [UInt8]
    private let client: String
    /// Makes agent emails unique per run, so that a second run against the same server does not
    /// collide with the first one's agents (emails are unique among agents).
    private let runTag: String

    init(hostHeader: String, apiKey: String, client: String, runTag: String) {
        self.commonHeaders = Array("\r\nHost: \(hostHeader)\r\nX-API-Key: \(apiKey)\r\n".utf8)
        self.client = client
        self.runTag = runTag
    }

    /// `POST /v1/agents` `{"name":"Agent 1","email":"agent1.hbTAG@example.com"}` (1-based).
    func writeCreateAgent(index: Int, into buffer: inout ByteBuffer) {
        let body = #"{"name":"Agent \#(index + 1)","email":"agent\#(index + 1).hb\#(self.runTag)@example.com"}"#
        self.writePOST(path: "/v1/agents", body: body, into: &buffer)
    }

    /// `POST /v1/sessions` `{"agent_id":"agt_...","client":"console"}`.
    func writeCreateSession(agentID: [UInt8], into buffer: inout ByteBuffer) {
        let body = #"{"agent_id":"\#(String(decoding: agentID, as: UTF8.self))","client":"\#(self.client)"}"#
        self.writePOST(path: "/v1/sessions", body: body, into: &buffer)
    }

    /// `POST /v1/sessions/ses_.../heartbeat` with an empty body.
    func writeHeartbeat(sessionID: [UInt8], into buffer: inout ByteBuffer) {
        buffer.writeString("POST /v1/sessions/")
        buffer.writeBytes(sessionID)
        buffer.writeString("/heartbeat HTTP/1.1")
        buffer.writeBytes(self.commonHeaders)
        buffer.writeString("Content-Length: 0\r\n\r\n")
    }

    private func writePOST(path: String, body: String, into buffer: inout ByteBuffer) {
        buffer.writeString("POST \(path) HTTP/1.1")
        buffer.writeBytes(self.commonHeaders)
        buffer.writeString("Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n")
        buffer.writeString(body)
    }
}
