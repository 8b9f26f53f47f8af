import Foundation
import Orchestrator

/// What the session asks and tells the person: approvals on the terminal thread, answers on
/// stdout, notices where they do not mix with answers.
extension ChatSession {
    /// Asks y / a / n for one call, on the terminal thread.
    func askApproval(_ request: ToolCallRequest) async -> ApprovalDecision {
        await display.pause()
        defer { Task { await display.resume() } }
        let question = style.promptSafe(style.yellow("run \(ToolLine.fit("\(request.qualifiedName) \(ToolLine.flatten(request.arguments))", width: style.width - 30))? [y]es, [a]lways, [n]o ")) 
        let reader = reader
        while true {
            switch await terminal.run({ reader.ask(question) }) {
            case .line(let answer):
                switch answer.trimmingCharacters(in: .whitespaces).lowercased() {
                case "y", "yes": return .once
                case "a", "always": return .always
                case "n", "no", "": return .deny(reason: "the user said no")
                default: continue
                }
            case .interrupted, .endOfInput:
                return .deny(reason: "the user interrupted")
            }
        }
    }

    func applyApproval(_ mode: SlashCommand.ApprovalMode) async {
        switch mode {
        case .on: await orchestrator.setApproval(.always)
        case .off: await orchestrator.setApproval(.never)
        case .ask: await orchestrator.setApproval(.ask { [weak self] request in await self?.askApproval(request) ?? .deny(reason: nil) })
        }
    }

    // MARK: - Output

    /// A line of output (answers of commands) on stdout.
    func say(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// A notice: stdout on a terminal, stderr when piped (stdout holds only answers).
    func notice(_ text: String) {
        let line = Data(((interactive ? "" : "lmg: ") + text + "\n").utf8)
        (interactive ? FileHandle.standardOutput : FileHandle.standardError).write(line)
    }
}
