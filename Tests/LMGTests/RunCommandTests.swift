import Foundation
import TestSupport
import Testing

/// `lmg run` end to end: the real binary, its built-in MCP server, the scripted model server.
@Suite("lmg run")
struct RunCommandTests {
    static func config(_ model: ScriptedModel?, baseURL: String? = nil, extra: String = "") throws -> String {
        try writeConfig(#"""
            {"model": {"base_url": "\#(baseURL ?? model!.baseURL)", "api_key": "sk-secret-run-key", "model": "scripted"\#(extra)},
             "mcpServers": {"builtin": {"command": "\#(Repo.lmgBinary)", "args": ["mcp-server"]}}}
            """#)
    }

    @Test func answersOnStdoutAndTracesToolCallsOnStderr() async throws {
        let model = try await ScriptedModel.start()
        defer { model.stop() }
        let result = try await runLMG(["run", "--config", try Self.config(model), "-p", #"call builtin__echo {"text": "ping"}"#])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == "Tool results: ping\n")
        #expect(result.stderr.contains("→ builtin__echo {\"text\": \"ping\"}"))
        #expect(result.stderr.contains("✓ builtin__echo completed"))
        #expect(!result.stderr.contains("sk-secret-run-key"))
    }

    @Test func readsThePromptFromStdin() async throws {
        let model = try await ScriptedModel.start()
        defer { model.stop() }
        let result = try await runLMG(["run", "--config", try Self.config(model), "-p", "-"], stdin: "hello from a pipe\n")
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == "You said: hello from a pipe\n")
    }

    @Test func jsonHasAnswerMessagesToolCallsAndUsage() async throws {
        let model = try await ScriptedModel.start()
        defer { model.stop() }
        let result = try await runLMG(["run", "--json", "--config", try Self.config(model), "-p", #"call builtin__calculate {"expression": "6*7"}"#])
        #expect(result.status == 0, "\(result)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect((object["answer"] as? String)?.contains("42") == true)
        #expect((object["messages"] as? [[String: Any]])?.count == 4)
        let calls = try #require(object["tool_calls"] as? [[String: Any]])
        #expect(calls.first?["name"] as? String == "builtin__calculate")
        #expect(calls.first?["server"] as? String == "builtin")
        #expect(calls.first?["status"] as? String == "completed")
        #expect((object["usage"] as? [String: Any])?["total_tokens"] as? Int ?? 0 > 0)
    }

    @Test func theModelReadsAResourceUnlessTheConfigSaysNo() async throws {
        let model = try await ScriptedModel.start()
        defer { model.stop() }
        func run(_ modelResources: Bool) async throws -> [String: Any] {
            let config = try writeConfig(#"""
                {"model": {"base_url": "\#(model.baseURL)", "api_key": "sk-secret-run-key", "model": "scripted"},
                 "model_resources": \#(modelResources),
                 "mcpServers": {"builtin": {"command": "\#(Repo.lmgBinary)", "args": ["mcp-server"]}}}
                """#)
            let result = try await runLMG(["run", "--json", "--config", config, "-p", #"call lmg_read_resource {"uri": "lmg://server/about"}"#])
            #expect(result.status == 0, "\(result)")
            return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        }
        let read = try await run(true)
        let call = try #require((read["tool_calls"] as? [[String: Any]])?.first)
        #expect(call["name"] as? String == "lmg_read_resource" && call["server"] as? String == "builtin")
        #expect(call["status"] as? String == "completed")
        #expect((read["answer"] as? String)?.contains("lmg-builtin") == true, "\(read["answer"] ?? "")")
        let off = try await run(false)
        #expect((off["tool_calls"] as? [[String: Any]])?.first?["status"] as? String == "rejected")
    }

    @Test func unreachableModelExitsOneNamingTheURL() async throws {
        let result = try await runLMG(["run", "--config", try Self.config(nil, baseURL: "http://127.0.0.1:9/v1"), "-p", "hi"])
        #expect(result.status == 1, "\(result)")
        #expect(result.stderrLines.count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("http://127.0.0.1:9/v1/chat/completions"))
        #expect(result.stderr.contains("OPENAI_BASE_URL"))
    }

    @Test func rejectedKeyExitsOneWithoutShowingIt() async throws {
        let model = try await ScriptedModel.start([["status": 401, "error": ["message": "bad key"]]], strict: true)
        defer { model.stop() }
        let result = try await runLMG(["run", "--config", try Self.config(model), "-p", "hi"])
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("OPENAI_API_KEY"))
        #expect(!(result.stdout + result.stderr).contains("sk-secret-run-key"))
        let sent = try model.requests().first?["headers"] as? [String: String]
        #expect(sent?["authorization"] == "Bearer sk-secret-run-key")
    }

    @Test func environmentOverridesTheModelSection() async throws {
        let model = try await ScriptedModel.start()
        defer { model.stop() }
        let path = try Self.config(nil, baseURL: "http://127.0.0.1:9/v1")
        let result = try await runLMG(["run", "--config", path, "-p", "hi"], environment: ["OPENAI_BASE_URL": model.baseURL, "LMG_MODEL": "other"])
        #expect(result.status == 0, "\(result)")
        #expect(try model.bodies().first?["model"] as? String == "other")
    }

    @Test func iterationCapExitsOne() async throws {
        let round: [String: Any] = ["tool_calls": [scriptedCall("c", "builtin__echo", #"{"text": "x"}"#)]]
        let model = try await ScriptedModel.start([round, round], strict: true)
        defer { model.stop() }
        let result = try await runLMG(["run", "--config", try Self.config(model), "--max-iterations", "1", "-p", "go"])
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("max_tool_iterations is 1"))
    }

    @Test func usageErrorsExitTwo() async throws {
        let missing = try await runLMG(["run", "--config", "/nonexistent/lmg.json", "-p", "hi"])
        #expect(missing.status == 2, "\(missing)")
        #expect(missing.stderrLines.count == 1)
        let empty = try await runLMG(["run", "--config", try Self.config(nil, baseURL: "http://127.0.0.1:9/v1"), "-p", "-"], stdin: "")
        #expect(empty.status == 2, "\(empty)")
        let noPrompt = try await runLMG(["run"])
        #expect(noPrompt.status == 2, "\(noPrompt)")
    }
}
