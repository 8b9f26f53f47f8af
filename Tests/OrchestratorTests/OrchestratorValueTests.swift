import Foundation
import MCP
import MCPGateway
import ModelClient
@testable import Orchestrator
import Testing

/// The loop's pure parts: no process, no port.
@Suite("Orchestrator values")
struct OrchestratorValueTests {
    @Test func schemasPassThroughIntactOrBecomeValidObjects() {
        let rich: Value = [
            "type": "object",
            "properties": ["item": ["$ref": "#/$defs/Item"], "mode": ["anyOf": [["type": "string"], ["type": "null"]]]],
            "$defs": ["Item": ["type": "object", "properties": ["id": ["type": "integer"]]]],
            "required": ["item"],
        ]
        #expect(ToolSchemaConverter.parameters(rich) == rich)
        let empty: Value = ["type": "object", "properties": [:]]
        #expect(ToolSchemaConverter.parameters(.null) == empty)
        #expect(ToolSchemaConverter.parameters([:]) == empty)
        #expect(ToolSchemaConverter.parameters(["type": "string"]) == empty)
        #expect(ToolSchemaConverter.parameters(["properties": ["a": ["type": "string"]]])
            == ["type": "object", "properties": ["a": ["type": "string"]]])
        #expect(ToolSchemaConverter.parameters(["type": "object"]) == empty)
        let union: Value = ["anyOf": [["type": "object"]]]
        #expect(ToolSchemaConverter.parameters(union) == union)
    }

    @Test func functionsUseQualifiedNames() {
        let tool = Tool(name: "read file", description: nil, inputSchema: [:])
        let namespace = ToolNamespace([(server: "my server", tool: tool)])
        let function = ToolSchemaConverter.functions(for: namespace.tools)[0]
        #expect(function.function.name == "my_server__read_file")
        #expect(function.function.description?.contains("my server") == true)
    }

    @Test func repeatedCallsAreRefusedThenStopped() {
        var guardian = RepeatedCallGuard(limit: 3)
        // One call per model answer: a, a, then b four answers in a row.
        func answer(_ signature: String) -> RepeatedCallGuard.Verdict {
            guardian.startRound()
            return guardian.check(signature)
        }
        #expect(answer("a") == .run)
        #expect(answer("a") == .run)
        #expect(answer("b") == .run)
        #expect(answer("b") == .run)
        #expect(answer("b") == .refuse(times: 3))
        #expect(answer("b") == .stop(times: 4))
    }

    @Test func identicalCallsInOneAnswerAreNotRepeats() {
        var guardian = RepeatedCallGuard(limit: 3)
        guardian.startRound()
        #expect((0..<6).map { _ in guardian.check("sleep") } == Array(repeating: .run, count: 6))
        // Asked for again in the next answers, all copies share the round's verdict.
        guardian.startRound()
        #expect([guardian.check("sleep"), guardian.check("sleep")] == [.run, .run])
        guardian.startRound()
        #expect([guardian.check("sleep"), guardian.check("sleep")] == [.refuse(times: 3), .refuse(times: 3)])
        guardian.startRound()
        #expect(guardian.check("sleep") == .stop(times: 4))
    }

    @Test func aCallSetAnsweredAgainAndAgainIsARepeatAndAGapResetsIt() {
        var guardian = RepeatedCallGuard(limit: 3)
        func answer(_ signatures: [String]) -> [RepeatedCallGuard.Verdict] {
            guardian.startRound()
            return signatures.map { guardian.check($0) }
        }
        // Interleaved in each answer, the pair still repeats answer after answer.
        #expect(answer(["x", "y"]) == [.run, .run])
        #expect(answer(["y", "x"]) == [.run, .run])
        #expect(answer(["x", "y", "z"]) == [.refuse(times: 3), .refuse(times: 3), .run])
        // An answer without x ends its streak; y goes on.
        #expect(answer(["y"]) == [.stop(times: 4)])
        #expect(answer(["x"]) == [.run])
    }

    @Test func interruptedTurnsAreRepaired() {
        var conversation = Conversation(messages: [
            .user("go"),
            ChatMessage(role: .assistant, content: nil, toolCalls: [
                ToolCall(id: "1", name: "a__b", arguments: "{}"), ToolCall(id: "2", name: "a__c", arguments: "{}"),
            ]),
            .tool("done", answering: ToolCall(id: "1", name: "a__b", arguments: "{}")),
        ])
        conversation.answerPendingCalls(with: "cancelled")
        #expect(conversation.messages.map(\.toolCallID) == [nil, nil, "1", "2"])
        #expect(conversation.messages.last?.text == "cancelled")
    }

    @Test func conversationsRoundTripAsOpenAIJSON() throws {
        let conversation = Conversation(systemPrompt: "sys", model: "m", messages: [
            .user("hi"),
            ChatMessage(role: .assistant, content: nil, toolCalls: [ToolCall(id: "1", name: "a__b", arguments: #"{"k":1}"#)]),
            .tool("r", answering: ToolCall(id: "1", name: "a__b", arguments: "")),
            ChatMessage(role: .user, content: .parts([.text("see"), .imageURL("data:image/png;base64,AAAA")])),
        ])
        let data = try JSONEncoder().encode(conversation)
        #expect(try JSONDecoder().decode(Conversation.self, from: data) == conversation)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""tool_call_id":"1""#))
        #expect(text.contains(#""content":null"#))
        #expect(text.contains(#""type":"image_url""#))
    }

    @Test func resultsKeepEveryContentTypeAndCut() throws {
        let formatter = ToolResultFormatter(limit: 300, supportsImages: false)
        let result = try CallTool.Result(content: [
            .text(text: #"{"t": 21}"#, annotations: nil, _meta: nil),
            .image(data: "iVBORw0KGgo=", mimeType: "image/png", annotations: nil, _meta: nil),
            .audio(data: "UklGRg==", mimeType: "audio/wav", annotations: nil, _meta: nil),
            .resource(resource: .text("hello", uri: "fixture://g"), annotations: nil, _meta: nil),
        ], structuredContent: ["t": 21])
        let formatted = formatter.format(result)
        #expect(formatted.text == "{\"t\": 21}\n[image: image/png, 8 bytes; this model cannot view images]\n[audio: audio/wav, 4 bytes; not playable here]\n[resource fixture://g]\nhello")
        #expect(formatted.images.isEmpty)
        // Structured content the text does not restate is kept as JSON; a restated one is sent once.
        let structuredOnly = try formatter.format(CallTool.Result(content: [], structuredContent: ["t": 21]))
        #expect(structuredOnly.text == #"{"t":21}"#)
        let wrapped = try formatter.format(CallTool.Result(content: [.text(text: "42", annotations: nil, _meta: nil)], structuredContent: ["result": 42]))
        #expect(wrapped.text == "42")
        let long = formatter.format(CallTool.Result(content: [.text(text: String(repeating: "x", count: 1000), annotations: nil, _meta: nil)]))
        #expect(long.truncated)
        #expect(long.text.hasSuffix("[result truncated: 300 of 1000 characters shown]"))
        let failed = formatter.format(CallTool.Result(content: [.text(text: "nope", annotations: nil, _meta: nil)], isError: true))
        #expect(failed.text == "Tool error: nope")
    }

    @Test func argumentsMustBeAnObject() throws {
        #expect(try Orchestrator.parseArguments("").get() == [:])
        #expect(try Orchestrator.parseArguments(" {\"a\": 1} ").get() == ["a": 1])
        #expect((try? Orchestrator.parseArguments("{").get()) == nil)
        #expect((try? Orchestrator.parseArguments("3").get()) == nil)
    }

    @Test func attachedResourcesBecomeUserMessages() {
        let text = Conversation.message(attaching: [.text("hello", uri: "fixture://g", mimeType: "text/plain")], from: "fx")
        #expect(text.role == .user)
        #expect(text.text == "[resource fixture://g from server 'fx', text/plain]\nhello")
        let image = Conversation.message(attaching: [.binary(Data([1, 2, 3]), uri: "file:///a.png", mimeType: "image/png")], from: "fx")
        guard case .parts(let parts)? = image.content else {
            Issue.record("expected parts, got \(String(describing: image.content))")
            return
        }
        #expect(parts.count == 2)
        #expect(parts.last == .imageURL("data:image/png;base64,AQID"))
    }
}
