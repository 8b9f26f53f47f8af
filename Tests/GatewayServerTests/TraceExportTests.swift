import CurlHTTP
import Foundation
import TestSupport
import Testing

/// Traces over OTLP/HTTP (protobuf, and JSON) to a receiver of the tests' own (Tests/Fixtures/otlp_receiver.py):
/// one trace from the caller's `traceparent` through the gateway, the orchestrator's rounds, the
/// model requests and the MCP call, with the model server and the MCP server in the same trace.
@Suite("lmg: traces over OTLP", .serialized)
struct TraceExportTests {
    struct Span {
        let traceId, spanId, parentSpanId, name: String
        let attributes: [String: Any]
    }

    /// OTLP/HTTP to `receiver` in `encoding` (`http/protobuf`, the default, or `http/json`).
    static func environment(_ receiver: FixtureProcess, _ encoding: String = "http/protobuf") -> [String: String] {
        ["OTEL_EXPORTER_OTLP_ENDPOINT": receiver.url(), "OTEL_EXPORTER_OTLP_PROTOCOL": encoding, "OTEL_BSP_SCHEDULE_DELAY": "100"]
    }

    /// The spans of `trace` the receiver has, once `enough` holds of them (at most 20 s).
    static func spans(_ receiver: FixtureProcess, trace: String? = nil, until enough: ([Span]) -> Bool) async throws -> [Span] {
        let deadline = ContinuousClock.now + .seconds(20)
        var found: [Span] = []
        repeat {
            let response = try await HTTPClient.shared.execute(HTTPRequest(method: "GET", url: receiver.url("/spans")))
            let data = try await response.body.collect(upTo: 16 << 20)
            let all = (try JSONSerialization.jsonObject(with: data) as? [[String: Any]]) ?? []
            found = all.map {
                Span(traceId: $0["traceId"] as? String ?? "", spanId: $0["spanId"] as? String ?? "",
                     parentSpanId: $0["parentSpanId"] as? String ?? "", name: $0["name"] as? String ?? "",
                     attributes: $0["attributes"] as? [String: Any] ?? [:])
            }.filter { trace == nil || $0.traceId == trace }
            if enough(found) { return found }
            try await Task.sleep(for: .milliseconds(100))
        } while ContinuousClock.now < deadline
        return found
    }

    @Test func aTwoRoundChatCompletionIsOneTraceFromTheCallerToTheMCPServer() async throws {
        let receiver = try await FixtureProcess.python("otlp_receiver.py")
        defer { receiver.stopInBackground() }
        let model = try await ScriptedModel.start()
        defer { model.stop() }
        let record = NSTemporaryDirectory() + "lmg-trace-record-\(UUID().uuidString).txt"
        _ = FileManager.default.createFile(atPath: record, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: record) }
        let config = #"""
            {"mcpServers": {"fx": {"command": "\#(Repo.python)", "args": ["\#(Repo.fixture("mcp_fixture.py"))", "--record", "\#(record)"]}},
             "models": {"fast": {"base_url": "\#(model.baseURL)", "api_key": "sk-upstream-trace", "model": "fast-upstream"}}}
            """#
        let serve = try await ServeProcess.start(config: config, environment: Self.environment(receiver))
        try await withPeer(serve, stop: { await $0.stop() }) { serve in
            let trace = "4bf92f3577b34da6a3ce929d0e0e4736", caller = "00f067aa0ba902b7"
            let body = #"{"model": "fast", "messages": [{"role": "user", "content": "call fx__echo {\"text\": \"secret-argument\"}"}]}"#
            let answer = try await serve.send("POST", "/v1/chat/completions", body: body, headers: ["traceparent": "00-\(trace)-\(caller)-01"])
            #expect(answer.status == 200 && answer.body.contains("Tool results: secret-argument"), "\(answer.body)")

            let spans = try await Self.spans(receiver, trace: trace) { found in
                found.contains { $0.name == "POST /v1/chat/completions" } && found.filter { $0.name.hasPrefix("chat ") }.count == 2
                    && found.contains { $0.name == "tools/call echo" }
            }
            let names = spans.map(\.name).sorted()
            let request = try #require(spans.first { $0.name == "POST /v1/chat/completions" }, "\(names)")
            #expect(request.parentSpanId == caller, "the caller's span is the request's parent")
            #expect(request.attributes["http.response.status_code"] as? Int == 200)
            let turn = try #require(spans.first { $0.name == "orchestrator.turn" }, "\(names)")
            #expect(turn.parentSpanId == request.spanId)
            let rounds = spans.filter { $0.name == "orchestrator.round" }.sorted { ($0.attributes["lmg.round"] as? Int ?? 0) < ($1.attributes["lmg.round"] as? Int ?? 0) }
            #expect(rounds.count == 2 && rounds.allSatisfy { $0.parentSpanId == turn.spanId }, "\(names)")
            let chats = spans.filter { $0.name.hasPrefix("chat ") }
            #expect(Set(chats.map(\.parentSpanId)) == Set(rounds.map(\.spanId)), "one model request in each round")
            #expect(chats.allSatisfy { $0.attributes["gen_ai.request.model"] as? String == "fast-upstream" })
            let call = try #require(spans.first { $0.name == "tools/call echo" }, "\(names)")
            #expect(call.parentSpanId == rounds.first?.spanId, "the MCP call is in the first round")
            #expect(call.attributes["lmg.mcp.server"] as? String == "fx" && call.attributes["gen_ai.tool.name"] as? String == "echo")
            #expect((call.attributes["lmg.mcp.request.size"] as? Int ?? 0) > 0 && (call.attributes["lmg.mcp.response.size"] as? Int ?? 0) > 0)
            let printed = "\(spans.map(\.attributes))"
            #expect(!printed.contains("secret-argument") && !printed.contains("sk-upstream-trace"), "no arguments, no key: \(printed)")

            // The model server and the MCP server (over stdio, in _meta) were sent the same trace.
            let upstream = try model.requests().compactMap { ($0["headers"] as? [String: Any])?["traceparent"] as? String }
            #expect(upstream.count == 2 && upstream.allSatisfy { $0.hasPrefix("00-\(trace)-") }, "\(upstream)")
            let lines = (try? String(contentsOfFile: record, encoding: .utf8)) ?? ""
            #expect(lines.contains("traceparent echo 00-\(trace)-\(call.spanId)-01"), "\(lines)")
        }
    }

    @Test func lmgRunMakesARootTraceWithArgumentsWhenAskedAndSendsItBeforeItExits() async throws {
        let receiver = try await FixtureProcess.python("otlp_receiver.py")
        defer { receiver.stopInBackground() }
        let model = try await ScriptedModel.start()
        defer { model.stop() }
        let path = try writeConfig(#"""
            {"model": {"base_url": "\#(model.baseURL)", "api_key": "sk-run-trace", "model": "scripted"}, "trace_arguments": true,
             "mcpServers": {"builtin": {"command": "\#(Repo.lmgBinary)", "args": ["mcp-server"]}}}
            """#)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var environment = Self.environment(receiver, "http/json")
        environment["OTEL_BSP_SCHEDULE_DELAY"] = "60000"  // nothing sent on a timer: only the flush at exit
        let run = try await runLMG(["run", "--config", path, "-p", #"call builtin__echo {"text": "ping"}"#], environment: environment)
        #expect(run.status == 0 && run.stdout == "Tool results: ping\n", "\(run)")
        let spans = try await Self.spans(receiver) { found in found.contains { $0.name == "orchestrator.turn" } }
        let turn = try #require(spans.first { $0.name == "orchestrator.turn" }, "\(spans.map(\.name))")
        #expect(turn.parentSpanId.isEmpty, "lmg run's turn is the root")
        let call = try #require(spans.first { $0.name == "tools/call echo" && $0.traceId == turn.traceId }, "\(spans.map(\.name))")
        #expect(call.attributes["gen_ai.tool.call.arguments"] as? String == #"{"text":"ping"}"#, "trace_arguments: \(call.attributes)")
        #expect(spans.filter { $0.name.hasPrefix("chat ") && $0.traceId == turn.traceId }.count == 2)
    }

    @Test func aSettingLmgCannotUseStopsItWithOneLineNamingTheVariable() async throws {
        let run = try await runLMG(["tools"], environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:9", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"])
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr == "lmg: OTEL_EXPORTER_OTLP_PROTOCOL is 'grpc': lmg exports traces over http/protobuf or http/json\n", "\(run.stderr)")
    }
}
