import Foundation
import GatewayRuntime
@testable import GatewayServer
import LMGTesting
import MCPGateway
import ModelClient
import TestSupport
import Testing

/// Streamed answers through the core: the SSE body read from `APIResponse.stream`.
@Suite("OpenAI endpoint: streamed answers")
struct ChatCompletionsStreamTests {
    /// The body's events: each `data:` payload (JSON, or `[DONE]`) and each comment line.
    struct Events {
        var chunks: [[String: Any]] = []
        var comments: [String] = []
        var done = false

        init(_ data: Data) throws {
            for block in String(decoding: data, as: UTF8.self).components(separatedBy: "\n\n") where !block.isEmpty {
                for line in block.split(separator: "\n") {
                    if line.hasPrefix(":") {
                        comments.append(String(line))
                    } else if line == "data: [DONE]" {
                        done = true
                    } else if line.hasPrefix("data: ") {
                        #expect(!done, "nothing after [DONE]")
                        chunks.append(try #require(try JSONSerialization.jsonObject(with: Data(line.dropFirst(6).utf8)) as? [String: Any]))
                    }
                }
            }
        }

        var deltas: [[String: Any]] { chunks.compactMap { (($0["choices"] as? [[String: Any]])?.first)?["delta"] as? [String: Any] } }
        var text: String { deltas.compactMap { $0["content"] as? String }.joined() }
        var lmg: [[String: Any]] { chunks.compactMap { $0["lmg"] as? [String: Any] } }
        var finishReasons: [String] { chunks.compactMap { (($0["choices"] as? [[String: Any]])?.first)?["finish_reason"] as? String } }
    }

    static func stream(_ api: GatewayAPI, _ body: String) async throws -> (APIResponse, StreamingBody) {
        let response = await api.handle(ChatCompletionsTests.chat(body))
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "text/event-stream")
        return (response, try #require(response.stream, "\(String(decoding: response.body, as: UTF8.self))"))
    }

    @Test func everyRoundStreamsWithToolActivityAndTheSummedUsageLast() async throws {
        try await ChatCompletionsTests.withAPI(ChatCompletionsTests.threeRounds()) { api in
            let (_, body) = try await Self.stream(api, #"{"model": "m", "stream": true, "stream_options": {"include_usage": true}, "messages": [{"role": "user", "content": "go"}]}"#)
            let events = try Events(await body.collect())
            #expect(events.done)
            #expect(events.chunks.allSatisfy { $0["object"] as? String == "chat.completion.chunk" && $0["model"] as? String == "m" })
            #expect(Set(events.chunks.compactMap { $0["id"] as? String }).count == 1, "one id for every chunk")
            #expect(events.deltas.first?["role"] as? String == "assistant")
            #expect(events.text == "The answer is 43.")
            #expect(events.finishReasons == ["stop"])
            let calls = events.lmg.compactMap { $0["tool_call"] as? [String: Any] }
            #expect(calls.map { "\($0["name"]!) \($0["status"]!)" } == [
                "alpha__calculate running", "alpha__calculate completed", "beta__calculate running", "beta__calculate completed",
            ])
            let summary = try #require(events.lmg.last)
            #expect(summary["rounds"] as? Int == 3)
            let last = try #require(events.chunks.last)
            #expect((last["choices"] as? [Any])?.isEmpty == true)
            #expect(last["usage"] as? [String: Int] == ["prompt_tokens": 50, "completion_tokens": 7, "total_tokens": 57])
        }
    }

    @Test func clientToolCallsEndTheStreamWithToolCallsDeltas() async throws {
        let model = ScriptedChatModel(turns: [ChatCompletionsTests.calls(ToolCall(id: "call_w", name: "get_weather", arguments: #"{"city":"Oslo"}"#))])
        try await ChatCompletionsTests.withAPI(model, servers: []) { api in
            let weather = #"{"type": "function", "function": {"name": "get_weather"}}"#
            let (_, body) = try await Self.stream(api, #"{"model": "m", "stream": true, "tools": [\#(weather)], "messages": [{"role": "user", "content": "go"}]}"#)
            let events = try Events(await body.collect())
            let calls = events.deltas.compactMap { $0["tool_calls"] as? [[String: Any]] }.flatMap { $0 }
            #expect(calls.count == 1)
            #expect(calls.first?["index"] as? Int == 0 && calls.first?["id"] as? String == "call_w")
            #expect(calls.first?["function"] as? [String: String] == ["name": "get_weather", "arguments": #"{"city":"Oslo"}"#])
            #expect(events.finishReasons == ["tool_calls"])
            #expect(!events.chunks.contains { $0["usage"] != nil }, "usage only when asked")
        }
    }

    /// A slow tool: comment lines keep the stream alive while it runs, and cancelling the body
    /// (the client went away) cancels the call at its server.
    @Test func commentsFlowWhileToolsRunAndCancellingTheBodyCancelsTheCall() async throws {
        let record = NSTemporaryDirectory() + "lmg-record-\(UUID().uuidString).txt"
        _ = FileManager.default.createFile(atPath: record, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: record) }
        let fixture = MCPServerConfig.stdio("fx", command: Repo.python, args: [Repo.fixture("mcp_fixture.py"), "--record", record])
        let model = ScriptedChatModel { request, _ in
            let quick = request.messages.first?.text == "quick"
            if request.messages.last?.role == .tool { return ChatCompletionsTests.answer("slept") }
            return ChatCompletionsTests.calls(ToolCall(id: "s1", name: "fx__slow", arguments: #"{"seconds": \#(quick ? "1.5" : "20")}"#))
        }
        try await ChatCompletionsTests.withAPI(model, servers: [fixture]) { api in
            try await GatewayAPI.$streamKeepAlive.withValue(.milliseconds(50)) {
                var options = #"{"model": "m", "stream": true, "messages": [{"role": "user", "content": "quick"}]}"#
                let (_, quick) = try await Self.stream(api, options)
                let events = try Events(await quick.collect())
                #expect(events.text == "slept" && events.done)
                // At least one: a loaded machine may starve the ticker, and counting ticks would time the test.
                #expect(events.comments.contains(": lmg tool running"), "\(events.comments.count) comments in 1.5 s at one per 50 ms")
                #expect(!((try? String(contentsOfFile: record, encoding: .utf8)) ?? "").contains("cancelled"))

                options = #"{"model": "m", "stream": true, "messages": [{"role": "user", "content": "long"}]}"#
                let (_, long) = try await Self.stream(api, options)
                for await chunk in long.chunks where String(decoding: chunk, as: UTF8.self).hasPrefix(":") { break }
                long.cancel()
                let deadline = ContinuousClock.now + .seconds(10)
                while ContinuousClock.now < deadline, !((try? String(contentsOfFile: record, encoding: .utf8)) ?? "").contains("cancelled") {
                    try await Task.sleep(for: .milliseconds(50))
                }
                let recorded = (try? String(contentsOfFile: record, encoding: .utf8)) ?? ""
                #expect(recorded.contains("cancelled"), "the server heard notifications/cancelled: \(recorded)")
            }
        }
    }
}
