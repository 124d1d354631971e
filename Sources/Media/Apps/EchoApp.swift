import Core
import NIOCore

/// `echo`: sends every inbound audio chunk straight back as it came. The load generator's target:
/// it measures the media path itself, with no app work in the way.
public final class EchoApp: CallApp {
    public init() {}

    public func started(_ call: any CallControl) {}

    public func received(_ frame: MediaFrame, call: any CallControl) {
        guard frame.track == .inbound else { return }
        call.sendMedia(frame.payload)
    }
}
