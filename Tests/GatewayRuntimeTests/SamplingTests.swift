import GatewayRuntime
import MCP
import ModelClient
import Testing

/// A server's sampling request as a request to lmg's model, and the model's turn as the result
/// the server expects; no model or server involved.
@Suite("Sampling: requests and results")
struct SamplingTests {
    static let params: Value = [
        "messages": [
            ["role": "user", "content": ["type": "text", "text": "Summarise this"]],
            ["role": "assistant", "content": ["type": "text", "text": "Which part?"]],
            ["role": "user", "content": [["type": "text", "text": "The chart"], ["type": "image", "data": "iVBO", "mimeType": "image/png"]]],
        ],
        "systemPrompt": "Be brief.",
        "maxTokens": 64,
        "temperature": 0.2,
        "stopSequences": ["END"],
        "modelPreferences": ["hints": [["name": "opus"], ["name": "mini"]]],
    ]

    @Test func theRequestCarriesEverythingTheServerAsked() throws {
        let request = try SamplingTranslation.request(Self.params, models: ["big-opus-2", "gpt-4o-mini"]).get()
        #expect(request.messages.map(\.role) == [.system, .user, .assistant, .user])
        #expect(request.messages[0].text == "Be brief.")
        #expect(request.messages[3].content == .parts([.text("The chart"), .imageURL("data:image/png;base64,iVBO")]))
        #expect(request.maxTokens == 64 && request.temperature == 0.2)
        #expect(request.extraMembers["stop"] == .array([.string("END")]))
        // Hints are substrings of configured names, first hint first.
        #expect(request.model == "big-opus-2")
        #expect(try SamplingTranslation.request(Self.params, models: ["gpt-4o-mini"]).get().model == "gpt-4o-mini")
        #expect(try SamplingTranslation.request(Self.params, models: ["llama"]).get().model == nil)
    }

    @Test func whatTheModelCannotTakeIsRefusedWithAReason() {
        guard case .failure(let empty) = SamplingTranslation.request(["messages": []], models: []) else {
            Issue.record("no messages, no request")
            return
        }
        #expect(empty.description.contains("messages"))
        let audio: Value = ["messages": [["role": "user", "content": ["type": "audio", "data": "AA"]]]]
        guard case .failure(let refused) = SamplingTranslation.request(audio, models: []) else {
            Issue.record("audio is not for a chat model")
            return
        }
        #expect(refused.description.contains("audio"))
        // A server's absurd number is refused, never trapped on.
        for tokens: Value in [1e30, -5, 0, 2.5] {
            let huge: Value = ["messages": [["role": "user", "content": ["type": "text", "text": "hi"]]], "maxTokens": tokens]
            guard case .failure(let limit) = SamplingTranslation.request(huge, models: []) else {
                Issue.record("maxTokens \(tokens) must be refused")
                continue
            }
            #expect(limit.description.contains("maxTokens"))
        }
    }

    @Test func theResultIsACreateMessageResult() throws {
        let turn = ModelTurn(message: .assistant("Short."), finishReason: "length", usage: nil)
        #expect(try SamplingTranslation.result(turn, model: "scripted") == [
            "role": "assistant", "content": ["type": "text", "text": "Short."], "model": "scripted", "stopReason": "maxTokens",
        ])
        let done = ModelTurn(message: .assistant("Done."), finishReason: "stop", usage: nil)
        #expect(try SamplingTranslation.result(done, model: "m").objectValue?["stopReason"] == "endTurn")
    }

    // MARK: - Sampling with tools

    /// A server's agent loop, second round: it offered a tool, the model called it, the server ran
    /// it and sends the result back.
    static let withTools: Value = [
        "messages": [
            ["role": "user", "content": ["type": "text", "text": "Weather in Paris?"]],
            ["role": "assistant", "content": [["type": "tool_use", "id": "call_1", "name": "weather", "input": ["city": "Paris"]]]],
            ["role": "user", "content": [
                ["type": "tool_result", "toolUseId": "call_1", "content": [["type": "text", "text": "18 C"]]],
                ["type": "text", "text": "Answer briefly."],
            ]],
        ],
        "tools": [["name": "weather", "description": "The weather", "inputSchema": ["type": "object", "properties": ["city": ["type": "string"]]]]],
        "toolChoice": ["mode": "auto"],
        "maxTokens": 100,
    ]

    @Test func offeredToolsBecomeTheModelsFunctionsAndTheLoopItsMessages() throws {
        let request = try SamplingTranslation.request(Self.withTools, models: []).get()
        #expect(request.tools.map(\.function.name) == ["weather"])
        #expect(request.tools.first?.function.description == "The weather")
        #expect(request.toolChoice == .string("auto"))
        #expect(request.messages.map(\.role) == [.user, .assistant, .tool, .user])
        let call = try #require(request.messages[1].toolCalls?.first)
        #expect(call.id == "call_1" && call.function.name == "weather" && call.function.arguments == #"{"city":"Paris"}"#)
        #expect(request.messages[1].content == nil)
        #expect(request.messages[2].toolCallID == "call_1" && request.messages[2].text == "18 C")
        #expect(request.messages[3].text == "Answer briefly.")
        #expect(SamplingTranslation.summary(Self.withTools, server: "fx", request: request).tools == ["weather"])
    }

    @Test func aToolErrorIsSaidAndWhatTheModelCannotReadIsNamed() throws {
        let params: Value = ["messages": [
            ["role": "assistant", "content": ["type": "tool_use", "id": "c", "name": "t", "input": [:]]],
            ["role": "user", "content": ["type": "tool_result", "toolUseId": "c", "isError": true, "content": [
                ["type": "text", "text": "no such city"], ["type": "image", "data": "AA", "mimeType": "image/png"],
            ]]],
        ], "tools": [["name": "t"]]]
        let request = try SamplingTranslation.request(params, models: []).get()
        #expect(request.messages.last?.text == "error: no such city\n[image not shown]")
        // A tool without a schema takes an object with no properties.
        #expect(request.tools.first?.function.parameters == .object(["type": .string("object"), "properties": .object([:])]))
    }

    @Test func badToolsAreRefusedWithAReason() {
        let base: [String: Value] = ["messages": [["role": "user", "content": ["type": "text", "text": "hi"]]]]
        let cases: [(Value, String)] = [
            (["tools": "weather"], "tools must be an array"),
            (["tools": [["description": "x"]]], "tool 1 has no name"),
            (["tools": [["name": "a"], ["name": "a"]]], "offered twice"),
            (["tools": [["name": "a", "inputSchema": "x"]]], "not an object"),
            (["tools": [["name": "a"]], "toolChoice": ["mode": "sometimes"]], "'sometimes'"),
            (["toolChoice": ["mode": "required"]], "no tools are offered"),
        ]
        for (extra, reason) in cases {
            guard case .object(let more) = extra else { continue }
            guard case .failure(let refusal) = SamplingTranslation.request(.object(base.merging(more) { $1 }), models: []) else {
                Issue.record("\(extra) must be refused")
                continue
            }
            #expect(refusal.description.contains(reason), "\(refusal)")
        }
        let noID: Value = ["messages": [["role": "assistant", "content": ["type": "tool_use", "name": "t"]]]]
        guard case .failure(let missing) = SamplingTranslation.request(noID, models: []) else {
            Issue.record("a tool_use without an id must be refused")
            return
        }
        #expect(missing.description.contains("id and a name"))
    }

    @Test func aTurnThatCallsToolsIsAToolUseResult() throws {
        let calls = [ToolCall(id: "call_9", name: "weather", arguments: #"{"city": "Oslo"}"#)]
        let turn = ModelTurn(message: ChatMessage(role: .assistant, content: .text("Checking."), toolCalls: calls), finishReason: "tool_calls", usage: nil)
        #expect(try SamplingTranslation.result(turn, model: "m") == [
            "role": "assistant", "model": "m", "stopReason": "toolUse",
            "content": [["type": "text", "text": "Checking."], ["type": "tool_use", "id": "call_9", "name": "weather", "input": ["city": "Oslo"]]],
        ])
        let silent = ModelTurn(message: ChatMessage(role: .assistant, content: nil, toolCalls: calls), finishReason: "tool_calls", usage: nil)
        #expect(try SamplingTranslation.result(silent, model: "m").objectValue?["content"]?.arrayValue?.count == 1)
        let broken = ModelTurn(message: ChatMessage(role: .assistant, content: nil, toolCalls: [ToolCall(id: "x", name: "weather", arguments: "{city")]), finishReason: "tool_calls", usage: nil)
        #expect(throws: SamplingTranslation.Refusal.self) { try SamplingTranslation.result(broken, model: "m") }
    }
}
