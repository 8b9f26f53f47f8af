import Foundation

/// How `lmg chat` starts.
public struct ChatOptions: Sendable {
    /// No colours even on a terminal.
    public var noColor: Bool
    /// Tool calls: run, never run, or ask.
    public var approval: SlashCommand.ApprovalMode
    /// Run tools annotated read-only without asking in ask mode.
    public var autoApproveReadOnly: Bool
    /// Pass tool images to the model as images.
    public var vision: Bool
    /// Where history is kept (`RuntimeEnvironment.historyPath`).
    public var historyPath: String

    public init(
        noColor: Bool = false, approval: SlashCommand.ApprovalMode = .on, autoApproveReadOnly: Bool = true,
        vision: Bool = false, historyPath: String
    ) {
        self.noColor = noColor
        self.approval = approval
        self.autoApproveReadOnly = autoApproveReadOnly
        self.vision = vision
        self.historyPath = historyPath
    }
}
