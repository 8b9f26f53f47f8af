import Foundation
import TestSupport
import Testing

/// A server's MCP prompt used like a template (`mcp:SERVER/PROMPT`) in `lmg prompt render`, `run`
/// and test files, with a `judge` check graded by the configured `judge_model`: the Python SDK's
/// prompt (`review_code` of mcp_fixture.py), the built-in server serving Prompts/, the scripted model.
@Suite("lmg prompt: MCP prompts as templates, and judge checks end to end")
struct MCPPromptTemplateTests {
    static var prompts: String { Repo.root.appendingPathComponent("Prompts").path }

    static func config() throws -> String {
        try writeConfig("""
            {"judge_model": {"model": "grader"},
             "mcpServers": {
               "fx": {"command": "\(Repo.python)", "args": ["\(Repo.fixture("mcp_fixture.py"))"]},
               "builtin": {"command": "\(Repo.lmgBinary)", "args": ["mcp-server", "--prompts", "\(prompts)"]}}}
            """)
    }

    @Test func renderGetsTheServersPromptAndChecksItsArguments() async throws {
        let config = try Self.config()
        let rendered = try await runLMG(["prompt", "render", "mcp:fx/review_code", "code=print(1)", "--json", "--config", config])
        #expect(rendered.status == 0, "\(rendered)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(rendered.stdout.utf8)) as? [String: Any])
        let messages = try #require(object["messages"] as? [[String: Any]])
        #expect(messages.map { $0["role"] as? String } == ["user", "assistant"])
        #expect((messages[0]["content"] as? String) == "Please review this python code:\n\nprint(1)", "\(messages)")
        #expect(object["file"] as? String == "mcp:fx/review_code")

        let missing = try await runLMG(["prompt", "render", "mcp:fx/review_code", "language=go", "--config", config])
        #expect(missing.status == 2 && missing.stderr.contains("mcp:fx/review_code: argument 'code' is required (give code=VALUE)"), "\(missing)")
        let unknown = try await runLMG(["prompt", "render", "mcp:fx/nope", "--config", config])
        #expect(unknown.status == 2 && unknown.stderr.contains("server 'fx' has no prompt 'nope' (it has: review_code)"), "\(unknown)")
        let shown = try await runLMG(["prompt", "show", "mcp:fx/review_code", "--config", config])
        #expect(shown.status == 0 && shown.stdout.contains("fx/review_code  (mcp:fx/review_code, an MCP prompt)"), "\(shown)")
        #expect(shown.stdout.contains("Asks for a code review.") && shown.stdout.contains("  code\n") && shown.stdout.contains("  language?"), "\(shown)")
        let extra = try await runLMG(["prompt", "render", "mcp:fx/review_code", "code=x", "colour=red", "--config", config])
        #expect(extra.status == 0 && extra.stderr.contains("'colour' is not an argument of this prompt, ignored (it has: code, language)"), "\(extra)")
    }

    @Test func aTestFileUsesAServersPromptAndAJudgeRecordedThenReplayed() async throws {
        let folder = NSTemporaryDirectory() + "lmg-mcp-prompt-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try """
            prompt: mcp:builtin/calculator
            tests:
              - name: cube
                vars: {question: "What is 3 cubed?", precision: 0}
                expect:
                  toolCalls: [{name: builtin__calculate, args: {expression: "3*3*3"}}]
                  answer:
                    - contains: "27"
                    - judge: {rubric: "gives the cube of 3 as a number", threshold: 0.8}
            """.write(toFile: "\(folder)/cube.tests.yaml", atomically: true, encoding: .utf8)
        let config = try Self.config()
        let model = try await ScriptedModel.start([
            ["tool_calls": [["id": "a", "name": "builtin__calculate", "arguments": #"{"expression": "3*3*3"}"#]]],
            ["content": "3 cubed is 27."],
            ["content": #"{"pass": true, "score": 0.95, "reason": "states 27"}"#],
        ], strict: true)
        defer { model.stop() }
        let recorded = try await runLMG(
            ["prompt", "test", folder, "--config", config, "--record", "once"], environment: ["OPENAI_BASE_URL": model.baseURL])
        #expect(recorded.status == 0 && recorded.stdout.contains("✓ cube/cube") && recorded.stdout.contains("recorded 3 model answer(s)"), "\(recorded)")
        let bodies = try model.bodies()
        #expect(bodies.count == 3 && bodies[2]["model"] as? String == "grader" && bodies[2]["temperature"] as? Double == 0)
        let asked = (bodies[0]["messages"] as? [[String: Any]])?.compactMap { $0["content"] as? String }.joined() ?? ""
        #expect(asked.contains("What is 3 cubed?") && asked.contains("round to 0 decimal places"), "the server rendered the prompt: \(asked)")
        let judged = (bodies[2]["messages"] as? [[String: Any]])?.last?["content"] as? String ?? ""
        #expect(judged.contains("gives the cube of 3 as a number") && judged.contains("3 cubed is 27."))

        // Replayed with no model reachable: the prompt still comes from the server, the verdict from the cassette.
        let replayed = try await runLMG(
            ["prompt", "test", folder, "--config", config], environment: ["OPENAI_BASE_URL": "http://127.0.0.1:9/v1"])
        #expect(replayed.status == 0 && replayed.stdout.contains("1 test: 1 passed"), "\(replayed)")
        let cassette = try String(contentsOfFile: "\(folder)/cassettes/cube/cube.json", encoding: .utf8)
        #expect(cassette.contains("\"grader\"") && cassette.contains("\"latency_ms\""))
    }

    @Test func runAsksTheModelWithTheServersPrompt() async throws {
        let model = try await ScriptedModel.start([["content": "Looks fine."]], strict: true)
        defer { model.stop() }
        let result = try await runLMG(
            ["prompt", "run", "mcp:fx/review_code", "code=x = 1", "language=python", "--config", try Self.config()],
            environment: ["OPENAI_BASE_URL": model.baseURL])
        #expect(result.status == 0 && result.stdout == "Looks fine.\n", "\(result)")
        let messages = try #require(try model.bodies().first?["messages"] as? [[String: Any]])
        #expect(messages.compactMap { $0["role"] as? String }.suffix(2) == ["user", "assistant"], "\(messages)")
    }
}
