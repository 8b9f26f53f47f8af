import Foundation
import LMGTesting
import MCP
import MCPGateway
import ModelClient
import Orchestrator
import Locking
import Testing

/// Tools the app runs itself (`externalTools`), request settings passed to the model, and the
/// filtering router: in-process, with the scripted model.
@Suite("Orchestrator: external tools and request settings")
struct OrchestratorExternalToolsTests {
    static let echo = Tool(name: "echo", description: "Echoes", inputSchema: ["type": "object", "properties": ["text": ["type": "string"]]])
    static let secret = Tool(name: "secret", description: "Hidden", inputSchema: ["type": "object"])

    /// The tools that ran, in order.
    final class Ran: Sendable {
        private let names = Locked<[String]>([])
        func append(_ name: String) { names.withLock { $0.append(name) } }
        var all: [String] { names.withLock { $0 } }
    }

    /// `local__echo` and `local__secret`; `ran` records every call that reached a tool.
    static func router(_ ran: Ran? = nil) -> InProcessToolRouter {
        InProcessToolRouter([echo, secret].map { tool in
            .init(server: "local", tool: tool) { arguments in
                ran?.append(tool.name)
                return CallTool.Result(content: [.text(text: arguments["text"]?.stringValue ?? tool.name, annotations: nil, _meta: nil)])
            }
        })
    }

    static let weather = FunctionTool(name: "get_weather", description: "The client's own", parameters: .object(["type": .string("object")]))

    static func calls(_ calls: ToolCall...) -> ModelTurn {
        ModelTurn(message: ChatMessage(role: .assistant, content: nil, toolCalls: calls), finishReason: "tool_calls", usage: TokenUsage(promptTokens: 5, completionTokens: 1, totalTokens: 6))
    }

    @Test func aCallOfAnExternalToolEndsTheTurnAndRunsNoneOfItsRound() async throws {
        let ran = Ran()
        let model = ScriptedChatModel(turns: [
            Self.calls(ToolCall(id: "m1", name: "local__echo", arguments: #"{"text": "first"}"#)),
            Self.calls(ToolCall(id: "w1", name: "get_weather", arguments: #"{"city": "Oslo"}"#), ToolCall(id: "m2", name: "local__echo", arguments: "{}")),
            ModelTurn(message: .assistant("Sunny in Oslo."), finishReason: "stop", usage: TokenUsage(promptTokens: 9, completionTokens: 3, totalTokens: 12)),
        ])
        var options = OrchestratorOptions()
        options.externalTools = [Self.weather]
        let orchestrator = Orchestrator(manager: Self.router(ran), model: model, options: options)
        let summary = try await orchestrator.run("weather?")
        #expect(summary.stopReason == .externalToolCalls)
        #expect(summary.externalToolCalls == [ToolCall(id: "w1", name: "get_weather", arguments: #"{"city": "Oslo"}"#)])
        #expect(summary.toolCalls.map(\.request.id) == ["m1"], "the first round ran; the second's MCP call did not")
        #expect(ran.all == ["echo"])
        #expect(summary.modelRequests == 2)
        #expect(summary.usage.totalTokens == 12)
        #expect(model.requests[0].tools.map(\.function.name) == ["local__echo", "local__secret", "get_weather"])
        // The history keeps only the external call, so answering it makes a valid conversation.
        let last = try #require(await orchestrator.conversation.messages.last)
        #expect(last.toolCalls?.map(\.id) == ["w1"])

        let next = try await orchestrator.run(messages: [.tool(#"{"sky": "clear"}"#, answering: summary.externalToolCalls[0])])
        #expect(next.stopReason == .answered && next.answer == "Sunny in Oslo.")
        #expect(next.finishReason == "stop")
        #expect(model.requests[2].messages.suffix(2).map(\.role) == [.assistant, .tool])
    }

    @Test func requestSettingsGoToEveryRequestAndToolChoiceToTheFirstOnly() async throws {
        let model = ScriptedChatModel(turns: [
            Self.calls(ToolCall(id: "m1", name: "local__echo", arguments: "{}")),
            ModelTurn(message: .assistant("done"), finishReason: "length", usage: nil),
        ])
        var options = OrchestratorOptions()
        options.temperature = 0.3
        options.maxTokens = 77
        options.toolChoice = .string("required")
        options.extraRequestMembers = ["seed": .int(7), "model": .string("not-this-way")]
        let summary = try await Orchestrator(manager: Self.router(), model: model, options: options).run("go")
        #expect(summary.finishReason == "length")
        #expect(model.requests.map(\.temperature) == [0.3, 0.3])
        #expect(model.requests.map(\.maxTokens) == [77, 77])
        #expect(model.requests.map(\.toolChoice) == [.string("required"), nil], "a forced choice would loop")
        #expect(model.requests.allSatisfy { $0.extraMembers["seed"] == .int(7) })

        // On the wire: extra members beside the modelled ones, never replacing them.
        let encoded = try JSONDecoder().decode([String: JSONValue].self, from: JSONEncoder().encode(model.requests[0]))
        #expect(encoded["seed"] == .int(7) && encoded["tool_choice"] == .string("required") && encoded["model"] == nil)
    }

    @Test func theFilteredRouterShowsAndRunsOnlyWhatItKeeps() async throws {
        let ran = Ran()
        let router = FilteredToolRouter(Self.router(ran)) { $0.tool.name == "echo" }
        #expect(await router.namespace().tools.map(\.qualifiedName) == ["local__echo"])
        await #expect(throws: MCPManagerError.self) {
            _ = try await router.callTool(server: "local", tool: "secret", arguments: nil, timeout: nil, onProgress: nil)
        }
        #expect(ran.all.isEmpty, "a hidden tool is never called")
        let model = ScriptedChatModel.callingTool(ToolCall(id: "c1", name: "local__secret", arguments: "{}"))
        let summary = try await Orchestrator(manager: router, model: model).run("go")
        #expect(summary.toolCalls.map(\.status) == [.rejected], "the model cannot reach a tool it was not given")
        #expect(await FilteredToolRouter.none(Self.router()).namespace().tools.isEmpty)
    }
}

extension Orchestrator {
    /// Runs a turn of `messages` and returns its summary.
    fileprivate func run(messages: [ChatMessage]) async throws -> TurnSummary {
        for try await event in send(messages: messages) {
            if case .turnFinished(let summary) = event { return summary }
        }
        throw CancellationError()
    }
}
