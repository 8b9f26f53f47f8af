import Foundation

/// An async HTTP/1.1 and HTTP/2 client on libcurl. Safe to share; `shared` serves the process.
///
/// TLS verification is on and proxies come from the environment (`http_proxy`, `https_proxy`,
/// `no_proxy`), as libcurl does by default.
public final class HTTPClient: Sendable {
    /// One engine for the process, so every server's connections share one cache.
    public static let shared = HTTPClient()

    private let loop: CurlLoop

    public init() {
        loop = CurlLoop()
    }

    /// The engine's thread as an executor. Tasks that prefer it
    /// (`withTaskExecutorPreference(client.executor)`) are resumed by the thread that received
    /// their data, with no hand-off; they must not block, or every transfer waits.
    public var executor: any TaskExecutor { loop }

    /// CPU time the engine's thread has used, for tests that check it sleeps when idle.
    var threadCPUTime: Duration? { loop.threadCPUTime }

    /// Sends `request` and returns once the status and headers are in; the body streams after.
    ///
    /// Cancelling the calling Task before then aborts the transfer and throws `CancellationError`;
    /// cancelling the Task that iterates the body does the same for the rest of the transfer.
    public func execute(_ request: HTTPRequest) async throws -> HTTPResponse {
        let transfer = Transfer(request: request)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                transfer.head = continuation
                loop.submit(.add(transfer))
            }
        } onCancel: {
            transfer.cancelled.withLock { $0 = true }
            loop.submit(.cancel(transfer))
        }
    }

    /// Fails every transfer in flight with `.shutdown` and stops the engine's thread.
    public func shutdown() {
        loop.submit(.shutdown)
    }
}
