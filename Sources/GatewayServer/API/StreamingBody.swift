import Foundation

/// A response body written piece by piece as it is produced (server-sent events), so the core
/// stays framework-free: the HTTP adapter writes each chunk as it comes, and calls ``cancel()``
/// when the client is gone, which ends whatever produces the chunks.
public struct StreamingBody: Sendable, Equatable {
    /// The chunks in order; the body ends when the stream does.
    public let chunks: AsyncStream<Data>
    private let onCancel: @Sendable () -> Void
    private let id = UUID()

    public init(chunks: AsyncStream<Data>, onCancel: @escaping @Sendable () -> Void) {
        self.chunks = chunks
        self.onCancel = onCancel
    }

    /// The client went away: stop producing.
    public func cancel() { onCancel() }

    /// Every chunk joined, for tests and callers that want the whole body.
    public func collect() async -> Data {
        var data = Data()
        for await chunk in chunks { data.append(chunk) }
        return data
    }

    public static func == (lhs: StreamingBody, rhs: StreamingBody) -> Bool { lhs.id == rhs.id }
}
