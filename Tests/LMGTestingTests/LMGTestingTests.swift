import LMGTesting
import MCP
import MCPGateway
import ModelClient
import Orchestrator
import Testing

/// The stand-ins behave as they say, so tests built on them test what they claim.
@Suite("LMGTesting doubles")
struct LMGTestingTests {
    static let echo = Tool(name: "echo", description: "Echoes", inputSchema: ["type": "object", "properties": ["text": ["type": "string"]]])

    static let router = InProcessToolRouter([
        .init(server: "local", tool: echo) { arguments in
            CallTool.Result(content: [.text(text: arguments["text"]?.stringValue ?? "", annotations: nil, _meta: nil)])
        },
    ])

    @Test func scriptedTurnsComeInOrderAndRepeatTheLast() async throws {
        let model = ScriptedChatModel(turns: [
            ModelTurn(message: .assistant("one"), finishReason: "stop", usage: nil),
            ModelTurn(message: .assistant("two"), finishReason: "stop", usage: nil),
        ])
        let request = ChatRequest(messages: [.user("hi")])
        #expect(try await model.complete(request) { _ in }.message.text == "one")
        #expect(try await model.complete(request) { _ in }.message.text == "two")
        #expect(try await model.complete(request) { _ in }.message.text == "two")
        #expect(model.requests.count == 3)
        model.reset()
        #expect(try await model.complete(request) { _ in }.message.text == "one")
    }

    @Test func aScriptedToolCallRunsThroughTheLoop() async throws {
        let model = ScriptedChatModel.callingTool(ToolCall(id: "c1", name: "local__echo", arguments: #"{"text": "ping"}"#), thenAnswer: "pong")
        let orchestrator = Orchestrator(manager: Self.router, model: model)
        let summary = try await orchestrator.run("go")
        #expect(summary.answer == "pong")
        #expect(summary.toolCalls.map(\.content) == ["ping"])
        #expect(model.requests.count == 2)
        #expect(model.requests[1].messages.last?.role == .tool)
        #expect(model.requests[0].tools.map(\.function.name) == ["local__echo"])
    }

    @Test func unknownToolsAreRefusedWithTheClosestNames() async throws {
        await #expect(throws: MCPManagerError.self) {
            _ = try await Self.router.callTool(server: "local", tool: "ecko", arguments: nil, timeout: nil, onProgress: nil)
        }
    }

    @Test func aThrowingScriptIsAFailingEndpoint() async {
        struct Down: Error {}
        let model = ScriptedChatModel { _, _ in throw Down() }
        await #expect(throws: Down.self) { _ = try await Orchestrator(manager: Self.router, model: model).run("hi") }
    }
}
