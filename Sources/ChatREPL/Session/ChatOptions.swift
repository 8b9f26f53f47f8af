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
    /// Render answers' Markdown on a terminal (else print them as the model wrote them).
    public var markdown: Bool
    /// Show tools' images on a terminal: inline where it draws them, else saved and named.
    public var images: Bool
    /// Where history is kept (`RuntimeEnvironment.historyPath`).
    public var historyPath: String

    public init(
        noColor: Bool = false, approval: SlashCommand.ApprovalMode = .on, autoApproveReadOnly: Bool = true,
        vision: Bool = false, markdown: Bool = true, images: Bool = true, historyPath: String
    ) {
        self.markdown = markdown
        self.images = images
        self.noColor = noColor
        self.approval = approval
        self.autoApproveReadOnly = autoApproveReadOnly
        self.vision = vision
        self.historyPath = historyPath
    }
}
