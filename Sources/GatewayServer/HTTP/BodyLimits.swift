import Hummingbird
import NIOCore

/// What a request body may be: at most `maxBytes`, all of it within `timeout`. A body that breaks
/// either is answered (413, 408) and its connection closed, since the rest of it would otherwise
/// be read and thrown away for as long as the client cares to send it.
struct BodyLimits: Sendable {
    var maxBytes: Int
    var timeout: Duration

    /// The body did not arrive within ``timeout``.
    struct TooSlow: Error {}

    /// The whole body; `NIOTooManyBytesError` at once when `Content-Length` is over the limit,
    /// else as soon as more arrives; ``TooSlow`` when the time is up first.
    func collect(_ request: Request, declaredLength: String?) async throws -> ByteBuffer {
        if let declared = declaredLength.flatMap({ Int($0) }), declared > maxBytes { throw NIOTooManyBytesError(maxBytes: maxBytes) }
        let limit = maxBytes, timeout = timeout
        return try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask { try await request.body.collect(upTo: limit) }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let body = first else { throw TooSlow() }
            return body
        }
    }

    /// Closes `channel` once the answer had time to be written; the answer says so (`Connection: close`).
    static func closeSoon(_ channel: any Channel, answering reply: inout APIResponse) {
        reply.headers["Connection"] = "close"
        channel.eventLoop.scheduleTask(in: .milliseconds(250)) { channel.close(promise: nil) }
    }
}
