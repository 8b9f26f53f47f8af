import Foundation
import TestSupport
import Testing

/// A server that asks lmg's model (sampling), against the Python SDK fixture in both eras and
/// the scripted model server: `lmg run` lets it as its `--approve all` lets tool calls;
/// `lmg chat --approve ask` asks the person.
@Suite("Sampling by lmg's model")
struct SamplingCommandTests {
    static func config(_ model: ScriptedModel) throws -> String {
        let fixture = Repo.fixture("mcp_fixture.py")
        return try writeConfig(#"""
            {"model": {"base_url": "\#(model.baseURL)", "model": "scripted"}, "mcpServers": {
              "fx": {"command": "\#(Repo.python)", "args": ["\#(fixture)"]},
              "fxl": {"command": "\#(Repo.python)", "args": ["\#(fixture)"], "protocol_version": "2025-11-25"}}}
            """#)
    }

    @Test(arguments: ["fx__need_sampling", "fxl__ask_sampling"])
    func runLetsServersUseTheModel(_ tool: String) async throws {
        let model = try await ScriptedModel.start()
        defer { model.stop() }
        let run = try await runLMG(["run", "--config", try Self.config(model), "-p", "call \(tool) {}"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("Tool results: sampled: You said: Hi?"), "\(run)")
        // The server's request reached the model as it was: one user message, 16 tokens at most.
        let sampled = try #require(try model.bodies().first { ($0["messages"] as? [[String: Any]])?.count == 1 && $0["max_tokens"] != nil })
        #expect(sampled["max_tokens"] as? Int == 16)
        #expect(((sampled["messages"] as? [[String: Any]])?.first?["content"] as? String) == "Hi?")
    }

    /// A server's own agent loop on lmg's model (sampling with tools, both eras): the offered
    /// tool reaches the model as a function, its call comes back as `tool_use`, and a second
    /// round's history (the call and the server's result) reaches it as the model's own messages.
    @Test(arguments: ["fx", "fxl"])
    func serversOfferToolsToTheModel(_ server: String) async throws {
        let model = try await ScriptedModel.start()
        defer { model.stop() }
        let config = try Self.config(model)
        let first = try await runLMG(["run", "--config", config, "-p", "call \(server)__need_sampling_tools {}"])
        #expect(first.status == 0, "\(first)")
        #expect(first.stdout.contains(#"tool_use (toolUse): weather {"city": "Paris"}"#), "\(first)")
        let offered = try #require(try model.bodies().first { ($0["tools"] as? [[String: Any]])?.contains { tool in
            ((tool["function"] as? [String: Any])?["name"] as? String) == "weather" } == true })
        #expect(offered["tool_choice"] as? String == "auto")

        let second = try await runLMG(["run", "--config", config, "-p", "call \(server)__need_sampling_after_tool {}"])
        #expect(second.status == 0, "\(second)")
        #expect(second.stdout.contains("sampled: Tool results: 18 C"), "\(second)")
        let history = try #require(try model.bodies().first { body in
            (body["messages"] as? [[String: Any]])?.contains { $0["role"] as? String == "tool" && $0["tool_call_id"] as? String == "c1" } == true
        })
        let roles = (history["messages"] as? [[String: Any]])?.map { $0["role"] as? String ?? "?" }
        #expect(roles == ["user", "assistant", "tool"], "\(history)")
    }

    @Test func chatAsksBeforeAServerUsesTheModel() async throws {
        let model = try await ScriptedModel.start()
        defer { model.stop() }
        let chat = try await ChatTerminalTests.chat(try Self.config(model), extra: ["--approve", "ask"])
        defer { chat.stop() }
        try await chat.waitFor("(2 servers,", timeout: .seconds(45))
        try await chat.enter("/call fx__need_sampling {}")
        try await chat.waitFor("server 'fx' asks the model (1 message, up to 16 tokens): Hi?")
        try await chat.enter("y")
        try await chat.waitFor("sampled: You said: Hi?")
        try await chat.enter("/call fxl__ask_sampling {}")
        try await chat.waitFor("server 'fxl' asks the model", count: 1)
        try await chat.enter("n")
        try await chat.waitFor("the user said no")
    }
}
