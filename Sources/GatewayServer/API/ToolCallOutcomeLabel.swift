import MCP
import MCPGateway

/// How one tool call through the gateway ended, as the `outcome` label of
/// `lmg_tool_calls_total`: a fixed set of words, so the label's cardinality stays bounded.
public enum ToolCallOutcomeLabel: String, Sendable, CaseIterable {
    /// The server answered, and the result is not an error.
    case ok
    /// The server answered with `isError: true` (still a 200 to the caller).
    case isError = "is_error"
    /// Refused before the call: the arguments do not match the tool's inputSchema (422).
    case invalidArguments = "invalid_arguments"
    /// The server did not answer within its `tool_timeout` (504).
    case timeout
    /// The server or its connection failed (502).
    case upstreamError = "upstream_error"
    /// Not tried: the server's circuit breaker is open (503).
    case breakerOpen = "breaker_open"
    /// Not tried: the server is disabled, restarting, or the manager is shutting down (503).
    case unavailable
    /// The tool is hidden by the configuration or the server no longer has it (404).
    case notFound = "not_found"
    /// The caller went away (or the gateway is stopping) before the answer came.
    case cancelled

    /// The outcome of a call that returned `result`.
    public init(result: CallTool.Result) {
        self = result.isError == true ? .isError : .ok
    }

    /// The outcome of a call that threw `error`: as the status the caller gets (`APIError`)
    /// says, so a new error type mapped to 422 counts as `invalid_arguments` with no change here;
    /// only an open breaker and a cancelled call are told apart within their statuses.
    public init(error: any Error) {
        if case MCPManagerError.circuitOpen = error {
            self = .breakerOpen
            return
        }
        if error is CancellationError || (error as? MCPClientError)?.kind == .cancelled {
            self = .cancelled
            return
        }
        switch APIError(error).status {
        case 422: self = .invalidArguments
        case 404: self = .notFound
        case 503: self = .unavailable
        case 504: self = .timeout
        default: self = .upstreamError
        }
    }

    /// Whether the call reached the server, so its duration is upstream latency.
    var wentUpstream: Bool {
        switch self {
        case .ok, .isError, .timeout, .upstreamError, .cancelled: true
        case .invalidArguments, .breakerOpen, .unavailable, .notFound: false
        }
    }
}
