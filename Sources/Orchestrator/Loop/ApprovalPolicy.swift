import ModelClient
/// Who decides whether a tool call the model asked for may run.
public enum ApprovalPolicy: Sendable {
    /// Every call runs.
    case always
    /// No call runs; the model is told each was denied.
    case never
    /// By qualified tool name; names not listed get `otherwise`.
    case perTool([String: Bool], otherwise: Bool)
    /// The app asks (a REPL prompt, a UI dialog). Calls are asked about one at a time, in order.
    case ask(@Sendable (ToolCallRequest) async -> ApprovalDecision)
}

/// An answer to an approval request.
public enum ApprovalDecision: Sendable, Hashable {
    /// Run this call.
    case once
    /// Run this call and every later call of the same tool in this conversation without asking.
    case always
    /// Do not run it; `reason` goes to the model with the denial.
    case deny(reason: String?)
}
