/// Why the orchestrator refused to start a turn.
public enum OrchestratorError: Error, Sendable, CustomStringConvertible {
    /// A turn is already running; wait for it or cancel it.
    case busy
    /// `retry()` found no user message to send again.
    case nothingToRetry

    public var description: String {
        switch self {
        case .busy: return "a turn is already running: wait for it or cancel it"
        case .nothingToRetry: return "there is no message to retry yet"
        }
    }
}
