import Foundation
import TestSupport
import Testing

/// The official `openai` Python SDK (pinned in Tests/Fixtures/requirements.txt) against a live
/// `lmg serve`: the scripted model server upstream, the built-in server (twice) and the Python
/// MCP fixture behind it. Tests/Fixtures/openai_client.py runs the scenarios and prints JSON.
@Suite("lmg serve: the openai SDK as a client")
struct OpenAIClientTests {
    static func builtin(_ name: String) -> String { #""\#(name)": {"command": "\#(Repo.lmgBinary)", "args": ["mcp-server"]}"# }

    @Test func theSDKGetsToolsRoundsClientToolsRoutingAndUpstreamErrors() async throws {
        // Six scripted answers first (three rounds, plain then streamed); the server's rules after.
        let round: [[String: Any]] = [
            ["tool_calls": [scriptedCall("r1", "builtin__calculate", #"{"expression": "6*7"}"#)], "usage": ["prompt_tokens": 10, "completion_tokens": 2, "total_tokens": 12]],
            ["tool_calls": [scriptedCall("r2", "other__calculate", #"{"expression": "42+1"}"#)], "usage": ["prompt_tokens": 20, "completion_tokens": 2, "total_tokens": 22]],
            ["content": "The answer is 43.", "usage": ["prompt_tokens": 30, "completion_tokens": 5, "total_tokens": 35]],
        ]
        let model = try await ScriptedModel.start(round + round)
        defer { model.stop() }
        let record = NSTemporaryDirectory() + "lmg-record-\(UUID().uuidString).txt"
        _ = FileManager.default.createFile(atPath: record, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: record) }
        let upstreamKey = "sk-upstream-\(UUID().uuidString)"
        let admin = "lmg-admin-\(UUID().uuidString)", limited = "lmg-builtin-\(UUID().uuidString)"
        let fixture = #""fx": {"command": "\#(Repo.python)", "args": ["\#(Repo.fixture("mcp_fixture.py"))", "--record", "\#(record)"]}"#
        let config = #"""
            {"mcpServers": {\#(Self.builtin("builtin")), \#(Self.builtin("other")), \#(fixture)},
             "models": {
               "fast": {"base_url": "\#(model.baseURL)", "api_key": "\#(upstreamKey)", "model": "fast-upstream", "timeout": 30},
               "big": {"base_url": "\#(model.baseURL)", "api_key": "\#(upstreamKey)", "model": "big-upstream"}},
             "server": {"api_keys": [{"key": "\#(admin)", "name": "ops", "role": "admin"},
                                     {"key": "\#(limited)", "name": "builtin-only", "servers": ["builtin"]}]}}
            """#
        let serve = try await ServeProcess.start(config: config)
        try await withPeer(serve, stop: { await $0.stop() }) { serve in
            let scenarios = [
                "three_rounds", "three_rounds_stream", "client_tool", "client_tool_stream", "mcp_off", "limited_key", "routing",
                "rate_limited", "upstream_500", "upstream_401", "disconnect", "disconnect_plain",
            ]
            let run = try await runProcess(
                "/usr/bin/env", [Repo.python, Repo.fixture("openai_client.py"), "--base-url", serve.url("/v1"), "--key", admin, "--limited-key", limited] + scenarios,
                timeout: 120)
            try #require(run.status == 0, "\(run)")
            let results = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run)")
            func result(_ name: String) -> [String: Any] { results[name] as? [String: Any] ?? [:] }

            // Three rounds, the loop server-side: usage summed, the calls on `lmg`.
            let three = result("three_rounds")
            #expect(three["content"] as? String == "The answer is 43.", "\(three)")
            #expect(three["finish_reason"] as? String == "stop")
            #expect(three["model"] as? String == "fast")
            #expect((three["usage"] as? [String: Any])?["total_tokens"] as? Int == 69)
            let lmg = three["lmg"] as? [String: Any] ?? [:]
            #expect(lmg["rounds"] as? Int == 3)
            #expect((lmg["tool_calls"] as? [[String: Any]])?.map { $0["name"] as? String } == ["builtin__calculate", "other__calculate"])
            let bodies = try model.bodies()
            let second = (bodies[1]["messages"] as? [[String: Any]])?.last
            #expect(second?["role"] as? String == "tool" && second?["content"] as? String == "42", "the second round saw the first's result")
            #expect(bodies[0]["model"] as? String == "fast-upstream")

            let stream = result("three_rounds_stream")
            #expect(stream["content"] as? String == "The answer is 43.", "\(stream)")
            #expect(stream["finish_reasons"] as? [String] == ["stop"])
            #expect((stream["usage"] as? [String: Any])?["total_tokens"] as? Int == 69)
            #expect(stream["tool_events"] as? [String] == [
                "builtin__calculate running", "builtin__calculate completed", "other__calculate running", "other__calculate completed",
            ])
            #expect(stream["ids"] as? Int == 1)

            // A client tool goes back to the client, which runs it and continues.
            let client = result("client_tool")
            let first = client["first"] as? [String: Any] ?? [:]
            #expect(first["finish_reason"] as? String == "tool_calls", "\(client)")
            #expect((first["tool_calls"] as? [[String: Any]])?.first?["name"] as? String == "get_weather")
            #expect((first["tool_calls"] as? [[String: Any]])?.first?["arguments"] as? String == #"{"city": "Oslo"}"#)
            #expect((client["second"] as? [String: Any])?["content"] as? String == "Tool results: sunny, 21 C")
            let clientStream = result("client_tool_stream")
            #expect(clientStream["finish_reasons"] as? [String] == ["tool_calls"], "\(clientStream)")
            #expect((clientStream["tool_calls"] as? [[String: Any]])?.first?["arguments"] as? String == #"{"city": "Bergen"}"#)

            // "mcp": false and a key limited to one server: the model is offered only what is allowed.
            let requests = try model.bodies()
            func toolNames(_ body: [String: Any]) -> [String] {
                (body["tools"] as? [[String: Any]] ?? []).compactMap { ($0["function"] as? [String: Any])?["name"] as? String }
            }
            func lastUser(_ body: [String: Any]) -> String? {
                (body["messages"] as? [[String: Any]])?.last { $0["role"] as? String == "user" }?["content"] as? String
            }
            let off = try #require(requests.first { lastUser($0)?.contains(#""1+1""#) == true })
            #expect(toolNames(off).isEmpty, "\(toolNames(off))")
            #expect((result("mcp_off")["content"] as? String)?.contains("there is no tool named 'builtin__calculate'") == true, "\(result("mcp_off"))")
            let limitedBody = try #require(requests.first { lastUser($0)?.contains(#""2+2""#) == true })
            #expect(!toolNames(limitedBody).isEmpty && toolNames(limitedBody).allSatisfy { $0.hasPrefix("builtin__") || $0.hasPrefix("lmg_") }, "\(toolNames(limitedBody))")
            #expect((result("limited_key")["content"] as? String)?.contains("there is no tool named 'other__calculate'") == true)

            // Routing by name, the list, an unknown name.
            let routing = result("routing")
            #expect((routing["big"] as? [String: Any])?["content"] as? String == "You said: which model?", "\(routing)")
            #expect(requests.contains { $0["model"] as? String == "big-upstream" && lastUser($0) == "which model?" })
            #expect(routing["models"] as? [String] == ["big", "fast"])
            let unknown = routing["unknown"] as? [String: Any] ?? [:]
            #expect(unknown["status"] as? Int == 404 && unknown["code"] as? String == "model_not_found" && unknown["param"] as? String == "model", "\(unknown)")

            // Upstream failures as the SDK sees them.
            let limitedRate = result("rate_limited")
            #expect(limitedRate["error"] as? String == "RateLimitError" && limitedRate["retry_after"] as? String == "120", "\(limitedRate)")
            let failed = result("upstream_500")
            #expect(failed["error"] as? String == "InternalServerError" && failed["status"] as? Int == 502, "\(failed)")
            let refused = result("upstream_401")
            #expect(refused["status"] as? Int == 502, "\(refused)")
            #expect((refused["message"] as? String)?.contains("the upstream of model 'fast' refused the gateway's API key") == true)

            // A client that goes away mid-stream cancels the tool call at its server.
            #expect((result("disconnect")["seen"] as? [String]) == ["running"], "\(result("disconnect"))")
            let gone = ContinuousClock.now
            let deadline = gone + .seconds(15)
            while ContinuousClock.now < deadline, !((try? String(contentsOfFile: record, encoding: .utf8)) ?? "").contains("cancelled") {
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(((try? String(contentsOfFile: record, encoding: .utf8)) ?? "").contains("cancelled"), "the fixture saw notifications/cancelled")
            #expect(ContinuousClock.now - gone < .seconds(3), "at once, not at the next keep-alive write (every 5 s)")

            // Not streamed, the same: the client's timeout closes the connection, the call is cancelled.
            #expect(result("disconnect_plain")["timed_out"] as? Bool == true, "\(result("disconnect_plain"))")
            func cancellations() -> Int {
                (((try? String(contentsOfFile: record, encoding: .utf8)) ?? "").components(separatedBy: "\n")).filter { $0.hasPrefix("cancelled") }.count
            }
            let plainDeadline = ContinuousClock.now + .seconds(15)
            while ContinuousClock.now < plainDeadline, cancellations() < 2 { try await Task.sleep(for: .milliseconds(100)) }
            #expect(cancellations() == 2, "the fixture saw a second notifications/cancelled: \((try? String(contentsOfFile: record, encoding: .utf8)) ?? "")")

            // The upstream key never leaves the gateway.
            #expect(!run.stdout.contains(upstreamKey) && !run.stderr.contains(upstreamKey))
            #expect(!serve.stderrText.contains(upstreamKey) && !serve.stderrText.contains(admin))
        }
    }
}
