import ArgumentParser
import Foundation
import MCP
import MCPGateway
import Orchestrator

/// `lmg bench-loop SERVER TOOL`: the orchestrator's own cost per turn, without the model's and
/// the tool's time.
///
/// Each turn is one model request that asks for one tool call, the call, and a second model
/// request that answers. The model is instant and in-process (or, with --model-url, a real
/// endpoint); time spent inside the model client and inside the tool call is subtracted, so what
/// remains is the loop: request building, schema conversion, routing, result formatting, events.
struct LoopBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-loop", abstract: "Measure the orchestrator's overhead per turn with one tool call.",
        shouldDisplay: false)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The server's name.")
    var serverName: String

    @Argument(help: "The tool's name.")
    var tool: String

    @Option(name: .long, help: "Arguments as a JSON object.")
    var args = "{}"

    @Option(name: .short, help: "How many turns.")
    var n = 2000

    @Option(name: .long, help: "Untimed turns first.")
    var warmup = 100

    @Option(name: .long, help: "An OpenAI-compatible endpoint instead of the in-process instant model.")
    var modelURL: String?

    struct Report: Encodable {
        let turns: Int
        let model: String
        let overhead_p50_ms: Double
        let overhead_p99_ms: Double
        let turn_p50_ms: Double
        let model_p50_ms: Double
        let tool_p50_ms: Double
    }

    func run() async throws {
        try await Session.run(global, only: serverName) { session in
            let namespace = await session.manager.namespace()
            guard let target = namespace.tools.first(where: { $0.server == serverName && $0.tool.name == tool }) else {
                throw CommandFailure.usage("server '\(serverName)' has no tool '\(tool)'")
            }
            let base: any ChatModel = modelURL.map { OpenAIChatClient(config: ModelConfig(baseURL: $0, name: "bench", stream: true)) }
                ?? InstantModel(call: ToolCall(id: "bench", name: target.qualifiedName, arguments: args))
            let model = TimedModel(base)
            let router = TimedRouter(session.manager)
            let orchestrator = Orchestrator(manager: router, model: model)
            let clock = ContinuousClock()
            var turns: [Duration] = [], overheads: [Duration] = [], models: [Duration] = [], tools: [Duration] = []
            for index in 0..<(warmup + n) {
                await orchestrator.clear()
                model.reset()
                router.reset()
                let start = clock.now
                let summary = try await orchestrator.run(modelURL == nil ? "go" : "call \(target.qualifiedName) \(args)")
                let turn = clock.now - start
                guard summary.toolCalls.count == 1, summary.toolCalls[0].status == .completed else {
                    throw CommandFailure(message: "the bench turn did not make one successful tool call: \(summary.answer)", status: 1)
                }
                if index >= warmup {
                    turns.append(turn)
                    models.append(model.spent)
                    tools.append(router.spent)
                    overheads.append(turn - model.spent - router.spent)
                }
            }
            let report = Report(
                turns: n, model: modelURL ?? "in-process instant model",
                overhead_p50_ms: overheads.percentileMilliseconds(0.5), overhead_p99_ms: overheads.percentileMilliseconds(0.99),
                turn_p50_ms: turns.percentileMilliseconds(0.5), model_p50_ms: models.percentileMilliseconds(0.5),
                tool_p50_ms: tools.percentileMilliseconds(0.5))
            if global.json {
                try Terminal.json(report)
            } else {
                Terminal.out(String(
                    format: "%d turns (%@): loop overhead p50 %.3f ms, p99 %.3f ms; turn p50 %.3f ms, model p50 %.3f ms, tool p50 %.3f ms",
                    n, report.model, report.overhead_p50_ms, report.overhead_p99_ms, report.turn_p50_ms, report.model_p50_ms, report.tool_p50_ms))
            }
            return 0
        }
    }
}

/// A model that answers at once: a tool call to the first request of a turn, text after results.
private struct InstantModel: ChatModel {
    let call: ToolCall
    var modelName: String { "instant" }

    func complete(_ request: ChatRequest, onTextDelta: @escaping @Sendable (String) -> Void) async throws -> ModelTurn {
        if request.messages.last?.role == .tool {
            onTextDelta("done")
            return ModelTurn(message: .assistant("done"), finishReason: "stop", usage: TokenUsage(promptTokens: 1, completionTokens: 1, totalTokens: 2))
        }
        return ModelTurn(message: ChatMessage(role: .assistant, content: nil, toolCalls: [call]), finishReason: "tool_calls", usage: nil)
    }
}

/// Sums the time spent inside a component during one turn.
private final class Stopwatch: @unchecked Sendable {
    private let lock = NSLock()
    private var total: Duration = .zero
    func add(_ d: Duration) { lock.withLock { total += d } }
    func reset() { lock.withLock { total = .zero } }
    var spent: Duration { lock.withLock { total } }
}

private final class TimedModel: ChatModel, @unchecked Sendable {
    let base: any ChatModel
    private let watch = Stopwatch()
    init(_ base: any ChatModel) { self.base = base }
    var modelName: String { base.modelName }
    var spent: Duration { watch.spent }
    func reset() { watch.reset() }

    func complete(_ request: ChatRequest, onTextDelta: @escaping @Sendable (String) -> Void) async throws -> ModelTurn {
        let clock = ContinuousClock()
        let start = clock.now
        defer { watch.add(clock.now - start) }
        return try await base.complete(request, onTextDelta: onTextDelta)
    }
}

private final class TimedRouter: ToolRouter, @unchecked Sendable {
    let base: any ToolRouter
    private let watch = Stopwatch()
    init(_ base: any ToolRouter) { self.base = base }
    var spent: Duration { watch.spent }
    func reset() { watch.reset() }

    func namespace() async -> ToolNamespace { await base.namespace() }

    func callTool(
        server: String, tool: String, arguments: [String: Value]?, timeout: Duration?, onProgress: MCPProgressHandler?
    ) async throws -> CallTool.Result {
        let clock = ContinuousClock()
        let start = clock.now
        defer { watch.add(clock.now - start) }
        return try await base.callTool(server: server, tool: tool, arguments: arguments, timeout: timeout, onProgress: onProgress)
    }
}
