/// How the manager reads a failure: whose fault it was, whether trying again can help, and
/// whether a request may be sent twice. Kept beside the errors it classifies, and free of any
/// manager state, so `HealthGate` and the hot path can ask without touching the actor.
enum FailureClassification {
    /// Whose failure an error is, which decides what it does to the server's health.
    enum Verdict: Equatable {
        /// The server or the way to it failed: counts toward the breaker and may be retried.
        case serverFault
        /// The server answered (a JSON-RPC error is still an answer).
        case answered
        /// The caller gave up, or the manager refused: says nothing about the server.
        case abandoned
    }

    static func verdict(_ error: any Error) -> Verdict {
        switch error {
        case let error as MCPClientError:
            switch error.kind {
            case .server: return .answered
            case .cancelled: return .abandoned
            default: return .serverFault
            }
        case is CancellationError: return .abandoned
        // Every manager refusal (unknown, disabled, hidden, shut down, breaker, backoff) was decided
        // without asking the server.
        case is MCPManagerError: return .abandoned
        default: return .serverFault
        }
    }

    /// Whether another connect attempt might succeed: not when the executable is missing, the
    /// credentials are refused, or the server speaks another protocol version.
    static func isTransient(_ error: any Error) -> Bool {
        guard let error = error as? MCPClientError else { return !(error is CancellationError) }
        switch error.kind {
        case .transport(.spawnFailed), .transport(.unauthorized), .unsupportedVersion, .cancelled: return false
        case .transport(.httpStatus(let code)): return code == 408 || code == 429 || code >= 500
        default: return true
        }
    }

    /// A tool call is sent again only if the first never arrived, or the tool says it is safe.
    static func maySendAgain(_ error: any Error, repeatable: Bool) -> Bool {
        repeatable || (error as? MCPClientError)?.requestWasNotSent == true
    }

    /// Whether attempt number `attempt` (1 after the first failure) may be followed by another.
    static func mayRetry(_ error: any Error, attempt: Int, of attempts: Int, retryable: (any Error) -> Bool) -> Bool {
        attempt < attempts && verdict(error) == .serverFault && retryable(error) && !Task.isCancelled
    }

    /// The error as one line, for status output and health records.
    static func line(_ error: any Error) -> String {
        "\(error)".split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
