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

    @Test func anAppsOwnResourcesReachTheModel() async throws {
        let router = InProcessToolRouter([], resources: [
            .init(server: "app", resource: Resource(name: "notes", uri: "app://notes", mimeType: "text/plain")) {
                [.text("buy milk", uri: "app://notes", mimeType: "text/plain")]
            },
        ])
        let model = ScriptedChatModel.callingTool(
            ToolCall(id: "r1", name: ResourceFunction.read.rawValue, arguments: #"{"uri": "app://notes"}"#), thenAnswer: "Milk.")
        let summary = try await Orchestrator(manager: router, model: model).run("what do my notes say?")
        #expect(summary.answer == "Milk.")
        #expect(summary.toolCalls.map(\.content) == ["[resource app://notes from server 'app', text/plain]\nbuy milk"])
        #expect(model.requests[0].tools.map(\.function.name) == ["lmg_list_resources", "lmg_read_resource"])
        // A router without resources (the default) offers neither function.
        let plain = ScriptedChatModel(turns: [ModelTurn(message: .assistant("hi"), finishReason: "stop", usage: nil)])
        _ = try await Orchestrator(manager: Self.router, model: plain).run("hi")
        #expect(plain.requests[0].tools.map(\.function.name) == ["local__echo"])
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
