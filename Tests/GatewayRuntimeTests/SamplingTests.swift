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

    @Test func theResultIsACreateMessageResult() {
        let turn = ModelTurn(message: .assistant("Short."), finishReason: "length", usage: nil)
        #expect(SamplingTranslation.result(turn, model: "scripted") == [
            "role": "assistant", "content": ["type": "text", "text": "Short."], "model": "scripted", "stopReason": "maxTokens",
        ])
        let done = ModelTurn(message: .assistant("Done."), finishReason: "stop", usage: nil)
        #expect(SamplingTranslation.result(done, model: "m").objectValue?["stopReason"] == "endTurn")
    }
}
