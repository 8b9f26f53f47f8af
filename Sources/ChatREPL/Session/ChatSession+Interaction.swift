import Foundation
import GatewayRuntime
import Orchestrator

/// What the session asks and tells the person: approvals on the terminal thread, answers on
/// stdout, notices where they do not mix with answers.
extension ChatSession {
    /// Asks y / a / n for one call, on the terminal thread.
    func askApproval(_ request: ToolCallRequest) async -> ApprovalDecision {
        await asking { await self.approvalAnswer(request) }
    }

    /// Runs a question to the person: one at a time, with the status line kept away meanwhile.
    func asking<T: Sendable>(_ body: @escaping @Sendable () async -> T) async -> T {
        await questions.ask {
            await self.display.pause()
            let answer = await body()
            await self.display.resume()
            return answer
        }
    }

    private func approvalAnswer(_ request: ToolCallRequest) async -> ApprovalDecision {
        let question = style.promptSafe(style.yellow("run \(ToolLine.fit("\(request.qualifiedName) \(ToolLine.flatten(request.arguments))", width: style.width - 30))? [y]es, [a]lways, [n]o ")) 
        switch await choose(question, ["yes", "always", "no"], default: "no") {
        case "yes": return .once
        case "always": return .always
        case nil: return .deny(reason: "the user interrupted")
        default: return .deny(reason: "the user said no")
        }
    }

    /// Asks `question` until the answer is one of `options`, written out or by its first letter,
    /// in any case; Enter picks `fallback`. nil: Ctrl-C or the end of input.
    func choose(_ question: String, _ options: [String], default fallback: String) async -> String? {
        let reader = reader
        while true {
            switch await terminal.run({ reader.ask(question) }) {
            case .line(let line):
                let word = line.trimmingCharacters(in: .whitespaces).lowercased()
                if word.isEmpty { return fallback }
                if let option = options.first(where: { $0 == word || String($0.prefix(1)) == word }) { return option }
            case .interrupted, .endOfInput:
                return nil
            }
        }
    }

    /// A server's sampling request, by the approval mode: `on` lets it use the model, `off`
    /// refuses, `ask` asks (y / a / n; "always" lets this server go on unasked this session).
    func decideSampling(_ summary: SamplingTranslation.Summary) async -> ModelSamplingRelay.Decision {
        switch approvalMode.withLock({ $0 }) {
        case .on: return .allow
        case .off: return .refuse("the user does not let servers use the model (/approve off)")
        case .ask:
            if samplingAllowed.withLock({ $0.contains(summary.server) }) { return .allow }
            guard interactive else { return .refuse("the user could not be asked") }
            return await asking { await self.samplingAnswer(summary) }
        }
    }

    private func samplingAnswer(_ summary: SamplingTranslation.Summary) async -> ModelSamplingRelay.Decision {
        // "Always" may have been said while this one waited its turn.
        if samplingAllowed.withLock({ $0.contains(summary.server) }) { return .allow }
        let limit = summary.maxTokens.map { ", up to \($0) tokens" } ?? ""
        let tools = summary.tools.isEmpty ? "" : ", tools " + summary.tools.map(ServerText.printable).joined(separator: ", ")
        say(style.bold("server '\(summary.server)' asks the model") + " (\(summary.messages) message\(summary.messages == 1 ? "" : "s")\(limit)\(tools)): "
            + ServerText.printable(summary.lastText))
        let question = style.promptSafe(style.yellow("let it? [y]es, [a]lways, [n]o "))
        switch await choose(question, ["yes", "always", "no"], default: "no") {
        case "yes": return .allow
        case "always":
            samplingAllowed.withLock { _ = $0.insert(summary.server) }
            return .allow
        case nil: return .refuse("the user interrupted")
        default: return .refuse("the user said no")
        }
    }

    func applyApproval(_ mode: SlashCommand.ApprovalMode) async {
        approvalMode.withLock { $0 = mode }
        if mode != .ask { samplingAllowed.withLock { $0.removeAll() } }
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
