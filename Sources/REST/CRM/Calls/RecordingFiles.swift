import Core
import Foundation
import Hummingbird
import NIOPosix

/// Serves call recordings from `RECORDINGS_DIR`, whole or by byte range (audio players seek with
/// `Range`). Only files inside that directory are served, whatever path a row holds.
struct RecordingFiles: Sendable {
    let directory: String
    let fileIO: FileIO

    init(directory: String, threadPool: NIOThreadPool = .singleton) {
        self.directory = directory
        self.fileIO = FileIO(threadPool: threadPool)
    }

    func response(path: String, request: Request, context: some RequestContext) async throws -> Response {
        let root = URL(fileURLWithPath: self.directory).standardizedFileURL.resolvingSymlinksInPath().path
        let file = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        guard file.hasPrefix(root + "/"),
            let attributes = try? FileManager.default.attributesOfItem(atPath: file),
            let size = (attributes[.size] as? NSNumber)?.intValue
        else {
            throw ProblemDetails(
                status: 404, title: "Not Found",
                detail: "the recording is not on this server (it may have been removed)")
        }
        var headers: HTTPFields = [
            .contentType: "audio/wav", .acceptRanges: "bytes",
            .contentDisposition: "attachment; filename=\"\(URL(fileURLWithPath: file).lastPathComponent)\"",
        ]
        guard let rangeHeader = request.headers[.range] else {
            headers[.contentLength] = String(size)
            let body = try await self.fileIO.loadFile(path: file, context: context)
            return Response(status: .ok, headers: headers, body: body)
        }
        guard let range = Self.byteRange(rangeHeader, size: size) else {
            headers[.contentRange] = "bytes */\(size)"
            return ProblemDetails(
                status: 416, title: "Range Not Satisfiable",
                detail: "Range must be one bytes=start-end within the \(size)-byte file"
            ).response(headers: headers)
        }
        headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(size)"
        headers[.contentLength] = String(range.count)
        let body = try await self.fileIO.loadFile(path: file, range: range, context: context)
        return Response(status: .partialContent, headers: headers, body: body)
    }

    /// One `bytes=a-b`, `bytes=a-` or `bytes=-n` range (RFC 9110 section 14.1.2), clamped to the file.
    static func byteRange(_ header: String, size: Int) -> ClosedRange<Int>? {
        guard size > 0, header.hasPrefix("bytes="), !header.contains(",") else { return nil }
        let spec = header.dropFirst("bytes=".count)
        let parts = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        if parts[0].isEmpty {
            guard let suffix = Int(parts[1]), suffix > 0 else { return nil }
            return max(0, size - suffix)...(size - 1)
        }
        guard let start = Int(parts[0]), start < size else { return nil }
        if parts[1].isEmpty { return start...(size - 1) }
        guard let end = Int(parts[1]), end >= start else { return nil }
        return start...min(end, size - 1)
    }
}
