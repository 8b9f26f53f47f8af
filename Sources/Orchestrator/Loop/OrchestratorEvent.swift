import MCP
import MCPGateway
import ModelClient

/// What happens during a turn, in order, for UIs and logs.
public enum OrchestratorEvent: Sendable {
    /// A piece of assistant text, as it streams in.
    case textDelta(String)
    /// The model asked for a call (before approval).
    case toolCallRequested(ToolCallRequest)
    /// The call was approved and sent to its server.
    case toolCallStarted(ToolCallRequest)
    /// The server reported progress for a running call.
    case toolCallProgress(id: String, progress: MCPProgress)
    /// The call ended: result, error, denial or refusal.
    case toolCallFinished(ToolCallOutcome)
    /// Tokens used by one model request.
    case usage(TokenUsage)
    /// The turn is over; the last event of a stream that did not fail.
    case turnFinished(TurnSummary)
}

/// A tool call as the model asked for it, resolved to its server where the name is known.
public struct ToolCallRequest: Sendable, Hashable, Codable {
    /// The model's call id; tool messages refer to it.
    public var id: String
    /// The function name the model used.
    public var qualifiedName: String
    /// The server and tool behind the name; nil when the name is unknown.
    public var server: String?
    public var tool: String?
    /// The arguments as the model wrote them (JSON text, possibly invalid).
    public var arguments: String
    /// The tool says it does not change anything (MCP readOnlyHint).
    public var readOnly: Bool

    public init(id: String, qualifiedName: String, server: String?, tool: String?, arguments: String, readOnly: Bool) {
        self.id = id
        self.qualifiedName = qualifiedName
        self.server = server
        self.tool = tool
        self.arguments = arguments
        self.readOnly = readOnly
    }
}

/// How a tool call ended and what the model was told.
public struct ToolCallOutcome: Sendable, Codable {
    /// Why a call did not produce a tool result.
    public enum Status: String, Sendable, Codable {
        /// The tool ran and answered (possibly with isError).
        case completed
        /// The tool ran and failed below the tool level: timeout, transport, server error.
        case failed
        /// The approval policy or the user said no.
        case denied
        /// Never sent: unknown tool, invalid arguments, repeated call.
        case rejected
        /// The turn was cancelled while it ran.
        case cancelled
    }

    public var request: ToolCallRequest
    public var status: Status
    /// True when the model was told the call failed (isError, failure, denial, rejection).
    public var isError: Bool
    /// The tool message content the model received.
    public var content: String
    /// One line for a terminal: the start of the result or the error.
    public var summary: String
    public var duration: Duration
    /// True when the content was cut at `maxToolResultCharacters`.
    public var truncated: Bool
    /// The result's images, for a terminal to show (whether or not the model saw them); not
    /// encoded, so reports stay text.
    public var images: [RenderedImage] = []

    private enum CodingKeys: String, CodingKey {
        case request, status, isError, content, summary, duration, truncated
    }

    public init(
        request: ToolCallRequest, status: Status, isError: Bool, content: String, summary: String, duration: Duration,
        truncated: Bool
    ) {
        self.request = request
        self.status = status
        self.isError = isError
        self.content = content
        self.summary = summary
        self.duration = duration
        self.truncated = truncated
    }
}

/// Why a turn ended.
public enum StopReason: String, Sendable, Codable {
    /// The model answered without asking for tools.
    case answered
    /// `maxToolIterations` rounds of tool calls and still no answer.
    case maxToolIterations
    /// The model kept repeating one call.
    case repeatedToolCall
    /// The model called functions of ``OrchestratorOptions/externalTools``: the app runs them.
    case externalToolCalls
}

/// The outcome of one turn.
public struct TurnSummary: Sendable, Codable {
    /// The final assistant text (with a note when the loop had to stop).
    public var answer: String
    public var stopReason: StopReason
    /// Model rounds that asked for tools.
    public var toolIterations: Int
    public var toolCalls: [ToolCallOutcome]
    /// Summed over this turn's model requests.
    public var usage: TokenUsage
    /// With ``StopReason/externalToolCalls``: the calls of external tools, as the model made
    /// them (the answer's other calls were dropped, not run); empty otherwise.
    public var externalToolCalls: [ToolCall] = []
    /// The last model answer's `finish_reason` (`stop`, `length`, …) when the model ended the turn.
    public var finishReason: String?
    /// Model requests the turn made.
    public var modelRequests: Int = 0
}
