import ArgumentParser
import ChatREPL
import GatewayRuntime
import LMGCommandLine
import Foundation
import MCPGateway
import ModelClient
import Orchestrator

/// `lmg run -p TEXT`: one exchange with the model and its tools, for scripts.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Ask the model once, letting it use the tools; print the answer.",
        discussion: """
            The final answer goes to stdout, a short trace of tool calls to stderr. \
            Exit status: 0 answered; 1 the model failed or the loop stopped without an answer; \
            2 usage or configuration error.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: [.short, .customLong("prompt")], help: "The message to send; '-' reads it from stdin.")
    var prompt: String

    @Option(name: .long, help: "Model name (default: model.model in the config, or $LMG_MODEL).")
    var model: String?

    @Option(name: .long, help: "System prompt (default: system_prompt in the config).")
    var system: String?

    @Option(name: .long, help: "Rounds of tool calls before giving up (default: max_tool_iterations).")
    var maxIterations: Int?

    @Option(name: .long, help: "Which tool calls may run: all, none, read-only.")
    var approve: ApprovalMode = .all

    @Flag(name: .long, help: "Pass tool images to the model as images (vision models).")
    var vision = false

    @Flag(name: .customLong("quiet"), help: "No tool-call trace on stderr.")
    var quiet = false

    enum ApprovalMode: String, ExpressibleByArgument, CaseIterable {
        case all, none, readOnly = "read-only"

        var policy: ApprovalPolicy {
            switch self {
            case .all: .always
            case .none: .never
            case .readOnly: .perTool([:], otherwise: false)
            }
        }
    }

    func validate() throws {
        if let maxIterations, maxIterations < 1 { throw ValidationError("--max-iterations must be at least 1") }
    }

    func run() async throws {
        let text: String
        do { text = try readPrompt() } catch { throw ExitStatus.report(error) }
        let overrides = ConfigOverrides(model: model, systemPrompt: system, maxToolIterations: maxIterations)
        // Servers are offered the model only when every tool call may run (`--approve all`).
        let allow: @Sendable (SamplingTranslation.Summary) async -> ModelSamplingRelay.Decision = { _ in .allow }
        let sampling = approve == .all ? allow : nil
        try await CommandSession.run(global, requirement: .none, overrides: overrides, sampling: sampling) { runtime in
            let orchestrator = runtime.makeOrchestrator { options in
                options.supportsImages = vision
                options.approval = approve.policy
            }
            return try await Self.answer(await orchestrator.send(text), of: orchestrator, json: global.json, quiet: quiet)
        }
    }

    /// Runs one turn to its end, tracing tool calls on stderr unless `quiet`, and prints the
    /// answer (or, with `json`, the whole report); returns the exit status. Shared by `lmg run`
    /// and `lmg prompt run`, so both trace, report and fail alike.
    static func answer(
        _ events: AsyncThrowingStream<OrchestratorEvent, Error>, of orchestrator: Orchestrator, json: Bool, quiet: Bool
    ) async throws -> Int32 {
        let summary: TurnSummary
        do {
            summary = try await trace(events, quiet: quiet)
        } catch let error as ModelClientError {
            throw RuntimeFailure(error.description, category: .modelFailure)
        } catch let error as OrchestratorError {
            throw RuntimeFailure(error.description, category: .modelFailure)
        }
        if json {
            try Terminal.json(RunReport(summary, conversation: await orchestrator.conversation))
        } else if isatty(STDOUT_FILENO) == 1 {
            // On a terminal the answer's Markdown is drawn; piped, it stays as the model wrote it.
            let style = TerminalStyle.detect(noColor: false)
            let drawn = MarkdownRenderer.render(
                summary.answer, width: style.width, color: style.color,
                hyperlinks: MarkdownRenderer.terminalTakesHyperlinks(environment: ProcessInfo.processInfo.environment))
            Terminal.out(String(drawn.dropLast(drawn.hasSuffix("\n") ? 1 : 0)))
        } else {
            Terminal.out(summary.answer)
        }
        return summary.stopReason == .answered ? 0 : 1
    }

    private static func trace(_ events: AsyncThrowingStream<OrchestratorEvent, Error>, quiet: Bool) async throws -> TurnSummary {
        for try await event in events {
            switch event {
            case .toolCallStarted(let request) where !quiet:
                Terminal.trace("→ \(request.qualifiedName) \(Self.short(request.arguments))")
            case .toolCallFinished(let outcome) where !quiet:
                let ms = outcome.duration.milliseconds
                let mark = outcome.isError ? "✗" : "✓"
                Terminal.trace("\(mark) \(outcome.request.qualifiedName) \(outcome.status.rawValue) \(String(format: "%.0f", ms)) ms: \(outcome.summary)")
            case .turnFinished(let summary):
                return summary
            default:
                break
            }
        }
        throw CancellationError()
    }

    private func readPrompt() throws -> String {
        guard prompt == "-" else { return prompt }
        let data = FileHandle.standardInput.readDataToEndOfFile()
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw RuntimeFailure.usage("-p -: stdin was empty; pipe the prompt in") }
        return text
    }

    static func short(_ arguments: String, width: Int = 80) -> String {
        let flat = arguments.split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.count > width ? String(flat.prefix(width - 1)) + "…" : flat
    }
}

/// `lmg run --json`: the answer, the whole conversation, each tool call and the tokens used.
struct RunReport: Encodable {
    struct Call: Encodable {
        var id: String
        var name: String
        var server: String?
        var tool: String?
        var arguments: String
        var status: String
        var is_error: Bool
        var duration_ms: Double
        var result: String
    }

    var answer: String
    var stop_reason: String
    var messages: [ChatMessage]
    var tool_calls: [Call]
    var usage: TokenUsage

    init(_ summary: TurnSummary, conversation: Conversation) {
        answer = summary.answer
        stop_reason = summary.stopReason.rawValue
        messages = conversation.messages
        tool_calls = summary.toolCalls.map { outcome in
            Call(
                id: outcome.request.id, name: outcome.request.qualifiedName, server: outcome.request.server,
                tool: outcome.request.tool, arguments: outcome.request.arguments, status: outcome.status.rawValue,
                is_error: outcome.isError, duration_ms: outcome.duration.milliseconds,
                result: outcome.content)
        }
        usage = summary.usage
    }
}
