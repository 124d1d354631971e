import Media

/// Case accessors for `#expect`, shared by the parser and encoder tests.
extension MediaStreamEvent {
    var frame: MediaFrame? {
        if case .media(let frame) = self { return frame }
        return nil
    }

    var info: MediaStreamInfo? {
        if case .start(let info) = self { return info }
        return nil
    }

    var dtmfDigit: String? {
        if case .dtmf(let digit) = self { return digit }
        return nil
    }

    var markName: String? {
        if case .mark(let name) = self { return name }
        return nil
    }

    var unknownName: String? {
        if case .unknown(let name) = self { return name }
        return nil
    }

    var isConnected: Bool {
        if case .connected = self { return true }
        return false
    }

    var isStop: Bool {
        if case .stop = self { return true }
        return false
    }
}
