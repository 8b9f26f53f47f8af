import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import TestSupport
import Testing

@Suite("lmg prompt: templates and prompt tests from the command line, against the real built-in server and scripted model")
struct PromptCommandTests {
    /// No model listens here: a replay must not need one.
    static let noModel = ["OPENAI_BASE_URL": "http://127.0.0.1:9/v1", "OPENAI_API_KEY": "sk-test-never-in-a-cassette"]
    static var config: String { Repo.root.appendingPathComponent("Config/lmg.json").path }
    static var prompts: String { Repo.root.appendingPathComponent("Prompts").path }

    static func temporaryCopy(_ names: [String]) throws -> String {
        let folder = NSTemporaryDirectory() + "lmg-prompt-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for name in names { try FileManager.default.copyItem(atPath: "\(prompts)/\(name)", toPath: "\(folder)/\(name)") }
        return folder
    }

    @Test func theExamplesReplayWithNoModelReachable() async throws {
        let folder = NSTemporaryDirectory() + "lmg-reports-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try await runLMG(
            ["prompt", "test", Self.prompts, "--config", Self.config, "--junit", "\(folder)/junit.xml", "--json", "\(folder)/report.json"],
            environment: Self.noModel)
        #expect(result.status == 0, "\(result)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("✓ ") }.count == 6, "\(result)")
        #expect(lines.last?.hasPrefix("6 tests: 6 passed, 0 failed, 0 errors") == true)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(folder)/report.json"))) as? [String: Any])
        #expect((report["summary"] as? [String: Any])?["passed"] as? Int == 6)
        let junit = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/junit.xml"))
        let parser = XMLParser(data: junit)
        #expect(parser.parse(), "the JUnit report is well-formed XML")
        #expect(String(decoding: junit, as: UTF8.self).contains("<testcase classname=\"calculator.tests\" name=\"product\""))
    }

    /// `story`'s cassette holds llama.cpp's own stream (local-llm.sh): replayed, the answer is
    /// exactly the recorded pieces, multi-byte characters split across them included, with the
    /// server's usage.
    @Test func aRealServersStreamReplaysExactly() async throws {
        let cassettePath = "\(Self.prompts)/cassettes/story/lighthouse.json"
        let cassette = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: cassettePath))) as? [String: Any])
        let response = try #require(((cassette["interactions"] as? [[String: Any]])?.first)?["response"] as? [String: Any])
        let deltas = try #require(response["deltas"] as? [String])
        #expect(deltas.count > 10, "a real stream, piece by piece")
        let recorded = try #require((response["message"] as? [String: Any])?["content"] as? String)
        #expect(deltas.joined() == recorded)

        let folder = NSTemporaryDirectory() + "lmg-story-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try await runLMG(
            ["prompt", "test", "\(Self.prompts)/story.tests.yaml", "--config", Self.config, "--json", "\(folder)/report.json"], environment: Self.noModel)
        #expect(result.status == 0, "\(result)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(folder)/report.json"))) as? [String: Any])
        let turn = try #require((((report["results"] as? [[String: Any]])?.first?["runs"] as? [[String: Any]])?.first?["turns"] as? [[String: Any]])?.first)
        #expect(turn["answer"] as? String == recorded)
        let usage = try #require(turn["usage"] as? [String: Any]), kept = try #require(response["usage"] as? [String: Any])
        #expect(usage["completion_tokens"] as? Int == kept["completion_tokens"] as? Int && usage["prompt_tokens"] as? Int == kept["prompt_tokens"] as? Int)
        // The turn counts the model's recorded time, not the replay's.
        #expect((turn["latency_ms"] as? Double ?? 0) >= (response["latency_ms"] as? Double ?? .infinity))
    }

    @Test func recordAgainstTheScriptedModelThenReplayAndFail() async throws {
        let folder = try Self.temporaryCopy(["calculator.prompt", "calculator.tests.yaml", "partials"])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        func call(_ id: String, _ expression: String) -> [String: Any] {
            ["tool_calls": [["id": id, "name": "builtin__calculate", "arguments": "{\"expression\": \"\(expression)\"}"]]]
        }
        let model = try await ScriptedModel.start([
            call("a", "17*23"), ["content": "391, says calculate.", "chunk": 4],
            call("b", "2.5 + 4"), call("c", "6.5 / 3"), ["content": "About 2.2."], call("d", "2.1666666667 * 10"), ["content": "About 21.7."],
        ], strict: true)
        defer { model.stop() }
        let environment = ["OPENAI_BASE_URL": model.baseURL, "OPENAI_API_KEY": "sk-test-never-in-a-cassette"]
        let recorded = try await runLMG(["prompt", "test", folder, "--config", Self.config, "--record", "once", "--concurrency", "1"], environment: environment)
        #expect(recorded.status == 0, "\(recorded)")
        #expect(recorded.stdout.contains("recorded 2 model answer(s)") && recorded.stdout.contains("recorded 5 model answer(s)"))
        let cassette = try String(contentsOfFile: "\(folder)/cassettes/calculator/product.json", encoding: .utf8)
        #expect(!cassette.contains("sk-test-never") && !cassette.lowercased().contains("authorization"), "no key or header reaches a cassette")
        #expect(cassette.contains("\"deltas\""), "the streamed pieces are kept for replay")

        let replayed = try await runLMG(["prompt", "test", folder, "--config", Self.config], environment: Self.noModel)
        #expect(replayed.status == 0, "\(replayed)")

        let tests = "\(folder)/calculator.tests.yaml"
        try String(contentsOfFile: tests, encoding: .utf8).replacingOccurrences(of: "contains: \"391\"", with: "contains: \"392\"")
            .write(toFile: tests, atomically: true, encoding: .utf8)
        let failed = try await runLMG(["prompt", "test", folder, "--config", Self.config, "--filter", "product"], environment: Self.noModel)
        #expect(failed.status == 100, "\(failed)")
        #expect(failed.stdout.contains("✗ calculator/product") && failed.stdout.contains("answer does not contain \"392\": \"391, says calculate.\""))
        #expect(failed.stdout.contains("1 test: 0 passed, 1 failed"))
    }

    @Test func badInputHasItsOwnStatusAndOneLine() async throws {
        let folder = try Self.temporaryCopy(["timezone.prompt"])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "prompt: timezone.prompt\ntests:\n  - name: a\n    expect:\n      toolCalls: {order: sideways, calls: []}\n"
            .write(toFile: "\(folder)/bad.tests.yaml", atomically: true, encoding: .utf8)
        let bad = try await runLMG(["prompt", "test", "\(folder)/bad.tests.yaml", "--config", Self.config], environment: Self.noModel)
        #expect(bad.status == 1, "\(bad)")
        #expect(bad.stderrLines == ["lmg: \(folder)/bad.tests.yaml:5: tests[0].expect.toolCalls.order: must be in_order, exact or any"])

        let missing = try await runLMG(["prompt", "test", "\(folder)/nope.tests.yaml", "--config", Self.config], environment: Self.noModel)
        #expect(missing.status == 2 && missing.stderr.contains("nope.tests.yaml: no such file or folder"), "\(missing)")

        let noVariable = try await runLMG(["prompt", "render", "timezone", "city=Oslo", "--prompts", folder, "--config", Self.config])
        #expect(noVariable.status == 2, "\(noVariable)")
        #expect(noVariable.stderrLines == ["lmg: \(folder)/timezone.prompt: input.schema: variable 'zone' is required (pass zone=VALUE)"])

        let rendered = try await runLMG(["prompt", "render", "timezone", "city=Oslo", "zone=Europe/Oslo", "--prompts", folder, "--config", Self.config, "--json"])
        #expect(rendered.status == 0, "\(rendered)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(rendered.stdout.utf8)) as? [String: Any])
        let messages = try #require(object["messages"] as? [[String: Any]])
        #expect(messages.last?["content"] as? String == "What time is it in Oslo (Europe/Oslo) right now?")
        #expect(object["tool_choice"] as? String == "required" && object["tools"] as? [String] == ["builtin__current_time"])
    }

    @Test func promptRunAsksTheModelWithTheTemplatesToolsOnly() async throws {
        let model = try await ScriptedModel.start([
            ["tool_calls": [["id": "a", "name": "builtin__calculate", "arguments": "{\"expression\": \"6*7\"}"]]], ["content": "42."],
        ], strict: true)
        defer { model.stop() }
        let result = try await runLMG(
            ["prompt", "run", "calculator", "question=What is 6 times 7?", "--prompts", Self.prompts, "--config", Self.config],
            environment: ["OPENAI_BASE_URL": model.baseURL])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == "42.\n")
        let first = try #require(try model.bodies().first)
        let tools = (first["tools"] as? [[String: Any]] ?? []).compactMap { ($0["function"] as? [String: Any])?["name"] as? String }
        #expect(tools == ["builtin__calculate"], "the template's tools, no others and no resource functions")
        #expect(first["temperature"] as? Double == 0 && first["max_tokens"] as? Int == 200)
        #expect((first["messages"] as? [[String: Any]])?.first?["role"] as? String == "system")
        #expect(try model.toolMessages(inRequest: 1).first?["content"] as? String == "42")
    }

    @Test func theBuiltinServerServesTheTemplatesAsMCPPrompts() async throws {
        let config = try writeConfig(#"{"mcpServers": {"builtin": {"command": "\#(Repo.lmgBinary)", "args": ["mcp-server", "--prompts", "\#(Self.prompts)"]}}}"#)
        let listed = try await runLMG(["prompts", "--json", "--config", config])
        #expect(listed.status == 0, "\(listed)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        #expect(Set(rows.compactMap { $0["name"] as? String }) == ["explain_file", "calculator", "code-review", "story", "timezone"])
        let calculator = try #require(rows.first { $0["name"] as? String == "calculator" })
        let arguments = (calculator["arguments"] as? [[String: Any]] ?? []).map { "\($0["name"]!)\($0["required"] as? Bool == true ? "" : "?")" }
        #expect(arguments == ["precision?", "question"])

        let got = try await runLMG(["get-prompt", "builtin", "calculator", "question=What is 3 cubed?", "precision=0", "--json", "--config", config])
        #expect(got.status == 0, "\(got)")
        #expect(got.stdout.contains("round to 0 decimal places") && got.stdout.contains("What is 3 cubed?"))
        let missing = try await runLMG(["get-prompt", "builtin", "timezone", "city=Oslo", "--config", config])
        #expect(missing.status != 0 && missing.stderr.contains("variable 'zone' is required"), "\(missing)")
    }
}
