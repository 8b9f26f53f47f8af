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

    @Test func chatAsksBeforeAServerUsesTheModel() async throws {
        let model = try await ScriptedModel.start()
        defer { model.stop() }
        let chat = try await ChatTerminalTests.chat(try Self.config(model), extra: ["--approve", "ask"])
        defer { chat.stop() }
        try await chat.waitFor("(2 servers,")
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
