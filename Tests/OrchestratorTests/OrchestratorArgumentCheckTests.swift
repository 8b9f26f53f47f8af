import LMGTesting
import MCP
import MCPGateway
import ModelClient
import Orchestrator
import Locking
import Testing

/// A model's arguments are checked against the tool's inputSchema before any call: a bad call
/// is answered in the loop with the gateway's message, and the tool never runs.
@Suite("Orchestrator: argument checks")
struct OrchestratorArgumentCheckTests {
    static let forecast = Tool(
        name: "forecast", description: "Weather",
        inputSchema: ["type": "object", "required": ["city"],
                      "properties": ["city": ["type": "string"], "unit": ["type": "string", "enum": ["c", "f"]]]])

    /// Every argument set that reached the tool.
    final class Calls: Sendable {
        let list = Locked<[[String: Value]]>([])
        var all: [[String: Value]] { list.withLock { $0 } }
    }

    static func router() -> (InProcessToolRouter, Calls) {
        let calls = Calls()
        let router = InProcessToolRouter([
            .init(server: "wx", tool: forecast) { arguments in
                calls.list.withLock { $0.append(arguments) }
                return CallTool.Result(content: [.text(text: "sunny", annotations: nil, _meta: nil)])
            },
        ])
        return (router, calls)
    }

    @Test func badArgumentsNeverReachTheToolAndTheModelIsToldWhichField() async throws {
        let (router, calls) = Self.router()
        let model = ScriptedChatModel.callingTool(ToolCall(id: "c1", name: "wx__forecast", arguments: #"{"unit": "k"}"#), thenAnswer: "sorry")
        let summary = try await Orchestrator(manager: router, model: model).run("weather?")
        #expect(calls.all.isEmpty, "the tool must not be called with bad arguments")
        #expect(summary.toolCalls.map(\.status) == [.rejected])
        let told = try #require(model.requests.last?.messages.last)
        #expect(told.role == .tool)
        #expect(told.text == #"Error: the arguments of this call are not valid: field 'city' is required; field 'unit' must be one of "c", "f". Call the tool again with a JSON object that matches its parameters schema."#)
    }

    @Test func goodArgumentsRunAsBefore() async throws {
        let (router, calls) = Self.router()
        let model = ScriptedChatModel.callingTool(ToolCall(id: "c1", name: "wx__forecast", arguments: #"{"city": "Oslo", "unit": "c"}"#), thenAnswer: "ok")
        let summary = try await Orchestrator(manager: router, model: model).run("weather?")
        #expect(summary.toolCalls.map(\.status) == [.completed])
        #expect(calls.all == [["city": "Oslo", "unit": "c"]])
    }
}
