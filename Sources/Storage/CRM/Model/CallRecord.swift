public import Core

/// A media stream as the CRM keeps it: written from `call.started` and completed by `call.ended`.
public struct CallRecord: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, CaseIterable {
        case active, ended
    }

    public var id: String
    public var callSid: String
    public var streamSid: String
    public var accountSid: String?
    public var app: String
    public var status: Status
    public var ticketID: String?
    public var startedAt: Timestamp
    public var endedAt: Timestamp?
    public var durationMilliseconds: Int64?
    public var endReason: String?
    public var mediaReceived: Int64?
    public var mediaSent: Int64?
    public var messagesLost: Int64?
    public var receiveDropped: Int64?
    public var sendDropped: Int64?
    public var dtmf: String?
    /// Where the WAV is on this server's disk; the API shows a download link, never the path.
    public var recordingPath: String?
}
