import MCPGateway
import ModelClient

/// How the loop behaves; every limit has a default a chat user would expect.
public struct OrchestratorOptions: Sendable {
    /// Sent first in every request; nil sends none.
    public var systemPrompt: String?
    /// Model rounds that may ask for tools before the loop stops and says so.
    public var maxToolIterations: Int
    /// Tool calls of one model turn run at the same time, at most this many.
    public var maxConcurrentToolCalls: Int
    /// A tool result longer than this (characters) is cut, with a note telling the model so.
    public var maxToolResultCharacters: Int
    /// The same call (tool and arguments) asked for in this many model answers in a row is refused;
    /// one more such answer ends the turn. Copies of a call within one answer count once (they all run).
    public var repeatedCallLimit: Int
    public var approval: ApprovalPolicy
    /// Run tools annotated read-only without asking, whatever `approval` says (except `.never`).
    public var autoApproveReadOnly: Bool
    /// Pass tool images to the model as image content (vision models); otherwise describe them.
    public var supportsImages: Bool
    /// An app-wide ceiling on one tool call. It never raises or replaces a server's own limit
    /// (`tool_timeout`, else `timeout`): a call ends at whichever is shorter, and the server is
    /// told it was cancelled. nil: each server's own limit alone.
    public var toolTimeoutCap: Duration?
    /// Functions the app runs itself, offered to the model beside the router's tools (a gateway's
    /// caller's own tools). A model answer that calls any of them ends the turn with
    /// ``StopReason/externalToolCalls``: none of that answer's calls runs, and the app answers its
    /// calls (``TurnSummary/externalToolCalls``) in the next turn's messages.
    public var externalTools: [FunctionTool] = []
    /// Sampling settings sent with every model request; nil leaves them to the model client.
    public var temperature: Double?
    public var maxTokens: Int?
    /// Sent with the turn's first model request only (later rounds leave the choice to the model,
    /// so `required` or a named function cannot loop); `none` is sent with every request.
    public var toolChoice: JSONValue?
    /// Offer the model ``ResourceFunction/list`` and ``ResourceFunction/read`` beside the tools
    /// whenever the router has servers with resources (config `model_resources`).
    public var modelResources: Bool = true
    /// Request members sent as they are with every model request (see ``ChatRequest/extraMembers``).
    public var extraRequestMembers: [String: JSONValue] = [:]

    public init(
        systemPrompt: String? = nil, maxToolIterations: Int = 10, maxConcurrentToolCalls: Int = 8,
        maxToolResultCharacters: Int = 32_000, repeatedCallLimit: Int = 3, approval: ApprovalPolicy = .always,
        autoApproveReadOnly: Bool = true, supportsImages: Bool = false, toolTimeoutCap: Duration? = nil
    ) {
        self.systemPrompt = systemPrompt
        self.maxToolIterations = max(1, maxToolIterations)
        self.maxConcurrentToolCalls = max(1, maxConcurrentToolCalls)
        self.maxToolResultCharacters = max(256, maxToolResultCharacters)
        self.repeatedCallLimit = max(2, repeatedCallLimit)
        self.approval = approval
        self.autoApproveReadOnly = autoApproveReadOnly
        self.supportsImages = supportsImages
        self.toolTimeoutCap = toolTimeoutCap
    }
}
