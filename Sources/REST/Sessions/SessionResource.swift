import Core

/// A session as the API shows it. The token appears only in the answer to its creation.
struct SessionResource: JSONWritable {
    let session: Session
    let policy: SessionPolicy
    var token: String? = nil

    func write(to json: inout JSONWriter) {
        let session = self.session
        json.object { json in
            json.field("active_seconds", Double(session.activeMicroseconds / 1000) / 1000)
            json.field("agent_id", session.agentID)
            json.field("client", session.client)
            json.field("end_reason", session.isActive ? nil : session.state.rawValue)
            json.field("ended_at", session.endedAt?.rfc3339)
            // While active: the moment it dies unless it heartbeats; once over: when it ended.
            json.field("expires_at", (session.endedAt ?? self.policy.deadline(of: session)).rfc3339)
            json.field("heartbeat_interval", self.policy.heartbeatInterval.seconds)
            json.field("heartbeat_timeout", self.policy.heartbeatTimeout.seconds)
            json.field("id", session.id)
            json.field("last_heartbeat_at", session.lastHeartbeatAt.rfc3339)
            json.field("presence", session.presence.rawValue)
            json.field("started_at", session.startedAt.rfc3339)
            json.field("state", session.state.rawValue)
            if let token = self.token { json.field("token", token) }
        }
    }
}

extension Duration {
    /// Seconds as a number, for JSON.
    var seconds: Double { Double(self.microseconds) / 1_000_000 }
}
