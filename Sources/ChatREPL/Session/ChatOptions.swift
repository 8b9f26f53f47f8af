import Foundation

/// How `lmg chat` starts.
public struct ChatOptions: Sendable {
    /// No colours even on a terminal.
    public var noColor: Bool
    /// Tool calls: run, never run, or ask.
    public var approval: SlashCommand.ApprovalMode
    /// Run tools annotated read-only without asking in ask mode.
    public var autoApproveReadOnly: Bool
    /// Overrides the configured model name.
    public var model: String?
    /// Overrides the configured system prompt.
    public var systemPrompt: String?
    /// Pass tool images to the model as images.
    public var vision: Bool
    /// Where history is kept: $XDG_STATE_HOME/lmg/history, else ~/.local/state/lmg/history.
    public var historyPath: String

    public init(
        noColor: Bool = false, approval: SlashCommand.ApprovalMode = .on, autoApproveReadOnly: Bool = true,
        model: String? = nil, systemPrompt: String? = nil, vision: Bool = false,
        historyPath: String = ChatOptions.defaultHistoryPath()
    ) {
        self.noColor = noColor
        self.approval = approval
        self.autoApproveReadOnly = autoApproveReadOnly
        self.model = model
        self.systemPrompt = systemPrompt
        self.vision = vision
        self.historyPath = historyPath
    }

    public static func defaultHistoryPath(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let state = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.local/state"
        return state + "/lmg/history"
    }
}
