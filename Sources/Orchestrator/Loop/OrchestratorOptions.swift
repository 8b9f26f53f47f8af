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
