import ArgumentParser
import GatewayRuntime
import LMGCommandLine
import Foundation
import MCP
import MCPGateway
import ModelClient
import Orchestrator
import LMGTesting
import Locking

/// `lmg-bench loop SERVER TOOL`: the orchestrator's own cost per turn, without the model's and
/// the tool's time.
///
/// Each turn is one model request that asks for one tool call, the call, and a second model
/// request that answers. The model is instant and in-process (or, with --model-url, a real
/// endpoint); time spent inside the model client and inside the tool call is subtracted, so what
/// remains is the loop: request building, schema conversion, routing, result formatting, events.
struct LoopBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loop", abstract: "Measure the orchestrator's overhead per turn with one tool call.")

    @OptionGroup var global: GlobalOptions

    @OptionGroup var target: ToolCallArguments

    @Option(name: .short, help: "How many turns.")
    var n = 2000

    @Option(name: .long, help: "Untimed turns first.")
    var warmup = 100

    @Option(name: .long, help: "An OpenAI-compatible endpoint instead of the in-process instant model.")
    var modelURL: String?

    @Flag(name: .long, help: "Offer the model no resource functions (to measure what they cost).")
    var noModelResources = false

    struct Report: Encodable {
        let turns: Int
        let model: String
        let model_resources: Bool
        let overhead_p50_ms: Double
        let overhead_p99_ms: Double
        let turn_p50_ms: Double
        let model_p50_ms: Double
        let tool_p50_ms: Double
    }

    func run() async throws {
        try await CommandSession.run(global, only: target.serverName) { runtime in
            let target = try await self.target.resolve(on: runtime)
            let args = target.argumentsJSON
            let base: any ChatModel = modelURL.map { OpenAIChatClient(config: ModelConfig(baseURL: $0, name: "bench", stream: true)) }
                ?? ScriptedChatModel.callingTool(ToolCall(id: "bench", name: target.qualifiedName, arguments: args))
            let model = TimedModel(base)
            let router = TimedRouter(runtime.manager)
            var options = OrchestratorOptions()
            options.modelResources = !noModelResources
            let orchestrator = Orchestrator(manager: router, model: model, options: options)
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
                    throw RuntimeFailure("the bench turn did not make one successful tool call: \(summary.answer)", category: .modelFailure)
                }
                if index >= warmup {
                    turns.append(turn)
                    models.append(model.spent)
                    tools.append(router.spent)
                    overheads.append(turn - model.spent - router.spent)
                }
            }
            let report = Report(
                turns: n, model: modelURL ?? "in-process instant model", model_resources: !noModelResources,
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

/// Sums the time spent inside a component during one turn.
private final class Stopwatch: Sendable {
    private let total = Locked<Duration>(.zero)
    func add(_ d: Duration) { total.withLock { $0 += d } }
    func reset() { total.withLock { $0 = .zero } }
    var spent: Duration { total.withLock { $0 } }
}

/// The model, timed: its share of a turn is subtracted from the loop's.
private final class TimedModel: ChatModel {
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

/// The manager, timed: the tool's share of a turn is subtracted from the loop's.
private final class TimedRouter: ToolRouter {
    let base: any ToolRouter
    private let watch = Stopwatch()
    init(_ base: any ToolRouter) { self.base = base }
    var spent: Duration { watch.spent }
    func reset() { watch.reset() }

    func namespace() async -> ToolNamespace { await base.namespace() }
    func resourceServers() async -> [String] { await base.resourceServers() }
    func listResources(server: String) async throws -> [Resource] { try await base.listResources(server: server) }
    func listResourceTemplates(server: String) async throws -> [Resource.Template] {
        try await base.listResourceTemplates(server: server)
    }
    func readResource(server: String, uri: String) async throws -> ReadResource.Result {
        try await base.readResource(server: server, uri: uri)
    }

    func callTool(
        server: String, tool: String, arguments: [String: Value]?, timeout: Duration?, onProgress: MCPProgressHandler?
    ) async throws -> CallTool.Result {
        let clock = ContinuousClock()
        let start = clock.now
        defer { watch.add(clock.now - start) }
        return try await base.callTool(server: server, tool: tool, arguments: arguments, timeout: timeout, onProgress: onProgress)
    }
}
