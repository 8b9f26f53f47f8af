import Foundation
import MCP
import MCPGateway
import Orchestrator
import TestSupport
import Testing

/// The loop against real peers: the Python MCP fixture behind a real MCPManager, and the
/// scripted model server. Serialized: the parallel-calls test measures wall time.
@Suite("Orchestrator loop", .serialized)
struct OrchestratorLoopTests {
    /// Two fixture servers, `alpha` and `beta`, over stdio.
    static func withServers<T>(
        _ body: (MCPManager, FixtureServer, FixtureServer) async throws -> T
    ) async throws -> T {
        let alpha = FixtureServer.stdio("alpha"), beta = FixtureServer.stdio("beta")
        let manager = MCPManager(options: testClientOptions)
        await manager.addServers([alpha.config, beta.config])
        for status in await manager.status() { try #require(status.state == .ready, "\(status)") }
        return try await withPeer(manager, stop: { await $0.shutdown() }) { manager in try await body(manager, alpha, beta) }
    }

    @Test func twoToolCallsOnTwoServersStreamed() async throws {
        let model = try await ScriptedModel.start([
            ["tool_calls": [call("c1", "alpha__echo", #"{"text": "h\u00e9llo \"q\""}"#), call("c2", "beta__add", #"{"a": 2, "b": 40}"#)],
             "chunk": 1, "interleave": true],
            ["content": "Both done."],
        ], strict: true)
        defer { model.stop() }
        try await Self.withServers { (manager, alpha, beta) async throws in
            let orchestrator = Orchestrator(manager: manager, model: model.client(), options: .init(systemPrompt: "Be brief."))
            let turn = await record(orchestrator, "go")
            #expect(turn.error == nil, "\(String(describing: turn.error))")
            #expect(turn.summary?.answer == "Both done.")
            #expect(turn.summary?.stopReason == .answered)
            #expect(turn.text == "Both done.")
            #expect(turn.finished.map(\.status) == [.completed, .completed])

            let bodies = try model.bodies()
            #expect(bodies.count == 2)
            // What the client sent: the system prompt, qualified tool names with their schemas, streaming.
            let first = bodies[0]
            #expect(first["stream"] as? Bool == true)
            #expect((first["stream_options"] as? [String: Any])?["include_usage"] as? Bool == true)
            let messages = first["messages"] as! [[String: Any]]
            #expect(messages.first?["role"] as? String == "system")
            let tools = first["tools"] as! [[String: Any]]
            let names = tools.map { ($0["function"] as! [String: Any])["name"] as! String }
            #expect(names.contains("alpha__echo") && names.contains("beta__add"))
            let add = tools.first { ($0["function"] as! [String: Any])["name"] as? String == "beta__add" }!
            let parameters = (add["function"] as! [String: Any])["parameters"] as! [String: Any]
            #expect(parameters["type"] as? String == "object")
            #expect((parameters["required"] as? [String])?.sorted() == ["a", "b"])

            // The tool results went back in the calls' order, under their ids.
            let results = try model.toolMessages(inRequest: 1)
            #expect(results.map { $0["tool_call_id"] as? String } == ["c1", "c2"])
            #expect(results[0]["content"] as? String == "h\u{e9}llo \"q\"")
            #expect((results[1]["content"] as? String)?.contains("42") == true)
            #expect(alpha.recorded.contains("tool echo"))
            #expect(beta.recorded.contains("tool add"))
        }
    }

    @Test func plainAnswersWork() async throws {
        let model = try await ScriptedModel.start([
            ["tool_calls": [call("p1", "alpha__add", #"{"a":1,"b":2}"#)]],
            ["content": "Three."],
        ], strict: true)
        defer { model.stop() }
        try await Self.withServers { (manager, _, _) async throws in
            let orchestrator = Orchestrator(manager: manager, model: model.client(stream: false))
            let turn = await record(orchestrator, "add")
            #expect(turn.summary?.answer == "Three.")
            #expect(try model.bodies()[0]["stream"] == nil)
            #expect(try model.toolMessages(inRequest: 1).first?["content"] as? String == "3")
        }
    }

    @Test func toolCallsOfOneTurnRunConcurrently() async throws {
        let calls = (0..<6).map { call("s\($0)", $0 % 2 == 0 ? "alpha__slow" : "beta__slow", #"{"seconds": 0.8}"#) }
        let model = try await ScriptedModel.start([["tool_calls": calls], ["content": "rested"]], strict: true)
        defer { model.stop() }
        try await Self.withServers { (manager, _, _) async throws in
            let orchestrator = Orchestrator(manager: manager, model: model.client())
            let clock = ContinuousClock()
            let start = clock.now
            let turn = await record(orchestrator, "sleep six times")
            let elapsed = clock.now - start
            #expect(turn.summary?.answer == "rested")
            #expect(turn.finished.count == 6)
            #expect(turn.finished.allSatisfy { $0.status == .completed })
            // One after another would take 4.8 s.
            #expect(elapsed < .seconds(4), "six 0.8 s calls took \(elapsed)")
            #expect(try model.toolMessages(inRequest: 1).map { $0["tool_call_id"] as? String } == (0..<6).map { "s\($0)" })
        }
    }

    @Test func badModelOutputGoesBackAsToolErrors() async throws {
        let model = try await ScriptedModel.start([
            ["tool_calls": [
                call("bad", "alpha__echo", #"{"text": "unterminated"#),
                call("unknown", "alpha__ecoh", #"{"text": "x"}"#),
                call("array", "alpha__echo", "[1, 2]"),
                call("fails", "beta__fail", #"{"message": "disk on fire"}"#),
            ]],
            ["content": "I recovered."],
        ], strict: true)
        defer { model.stop() }
        try await Self.withServers { (manager, alpha, _) async throws in
            let orchestrator = Orchestrator(manager: manager, model: model.client())
            let turn = await record(orchestrator, "try")
            #expect(turn.summary?.answer == "I recovered.")
            let results = try model.toolMessages(inRequest: 1).map { $0["content"] as? String ?? "" }
            #expect(results.count == 4)
            #expect(results[0].contains("not valid JSON"))
            #expect(results[1].contains("no tool named 'alpha__ecoh'") && results[1].contains("alpha__echo"))
            #expect(results[2].contains("expected a JSON object"))
            #expect(results[3] == "Tool error: disk on fire")
            #expect(turn.finished.map(\.status) == [.rejected, .rejected, .rejected, .completed])
            #expect(turn.finished.map(\.isError) == [true, true, true, true])
            #expect(!alpha.recorded.contains("tool echo"), "rejected calls must never reach the server")
        }
    }

    @Test func iterationCapStopsAndSaysSo() async throws {
        let rounds: [[String: Any]] = (0..<3).map { ["tool_calls": [call("r\($0)", "alpha__add", #"{"a": \#($0), "b": 1}"#)]] }
        let model = try await ScriptedModel.start(rounds, strict: true)
        defer { model.stop() }
        try await Self.withServers { (manager, _, _) async throws in
            let orchestrator = Orchestrator(manager: manager, model: model.client(), options: .init(maxToolIterations: 2))
            let turn = await record(orchestrator, "loop")
            #expect(turn.summary?.stopReason == .maxToolIterations)
            #expect(turn.summary?.toolIterations == 2)
            #expect(turn.summary?.answer.contains("max_tool_iterations is 2") == true)
            #expect(try model.requests().count == 2)
            // The saved conversation stays valid: it ends with the note, every call answered.
            let conversation = await orchestrator.conversation
            #expect(conversation.messages.last?.role == .assistant)
            #expect(conversation.messages.filter { $0.role == .tool }.count == 2)
        }
    }

    @Test func repeatedCallIsRefusedThenStopped() async throws {
        let same = call("x", "alpha__echo", #"{"text": "again"}"#)
        let model = try await ScriptedModel.start(Array(repeating: ["tool_calls": [same]], count: 5), strict: true)
        defer { model.stop() }
        try await Self.withServers { (manager, alpha, _) async throws in
            let orchestrator = Orchestrator(manager: manager, model: model.client())
            let turn = await record(orchestrator, "repeat")
            #expect(turn.summary?.stopReason == .repeatedToolCall)
            #expect(turn.finished.map(\.status) == [.completed, .completed, .rejected, .rejected])
            let refusal = try model.toolMessages(inRequest: 3).last?["content"] as? String ?? ""
            #expect(refusal.contains("3 times in a row"))
            #expect(alpha.recorded.filter { $0 == "tool echo" }.count == 2)
        }
    }

    @Test func rateLimitThenSuccess() async throws {
        let model = try await ScriptedModel.start([
            ["status": 429, "headers": ["Retry-After": "0.3"], "error": ["message": "slow down"]],
            ["content": "after the wait"],
        ], strict: true)
        defer { model.stop() }
        try await Self.withServers { (manager, _, _) async throws in
            let orchestrator = Orchestrator(manager: manager, model: model.client())
            let clock = ContinuousClock()
            let start = clock.now
            let turn = await record(orchestrator, "hi")
            #expect(turn.summary?.answer == "after the wait")
            #expect(clock.now - start >= .milliseconds(300), "Retry-After was not honoured")
            #expect(try model.requests().count == 2)
        }
    }

    @Test func cancellingATurnCancelsToolCallsOnTheServer() async throws {
        let model = try await ScriptedModel.start([["tool_calls": [call("long", "alpha__slow", #"{"seconds": 30}"#)]]], strict: true)
        defer { model.stop() }
        try await Self.withServers { (manager, alpha, _) async throws in
            let orchestrator = Orchestrator(manager: manager, model: model.client())
            let stream = await orchestrator.send("wait forever")
            let consumer = Task {
                var events: [OrchestratorEvent] = []
                do { for try await event in stream { events.append(event) } } catch {}
                return events
            }
            // Cancel once the call is running on the server.
            let deadline = ContinuousClock.now + .seconds(15)
            while !alpha.recorded.contains("tool slow"), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            let clock = ContinuousClock()
            let start = clock.now
            consumer.cancel()
            _ = await consumer.value
            #expect(clock.now - start < .seconds(10), "the call would have run for 30 s")
            // The server heard about it.
            let heard = ContinuousClock.now + .seconds(5)
            while !alpha.recorded.contains(where: { $0.hasPrefix("cancelled") }), ContinuousClock.now < heard {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(alpha.recorded.contains { $0.hasPrefix("cancelled") }, "\(alpha.recorded)")
            // The conversation stays usable: the call is answered, and a new turn works.
            let conversation = await orchestrator.conversation
            #expect(conversation.messages.last?.role == .tool)
            #expect(await orchestrator.isBusy == false)
        }
    }

    @Test func aNewTurnRightAfterCancellingWaitsInsteadOfFailing() async throws {
        let model = try await ScriptedModel.start([
            ["tool_calls": [call("long", "alpha__slow", #"{"seconds": 30}"#)]],
            ["content": "second answer"],
        ], strict: true)
        defer { model.stop() }
        try await Self.withServers { (manager, alpha, _) async throws in
            let orchestrator = Orchestrator(manager: manager, model: model.client())
            let stream = await orchestrator.send("first")
            let consumer = Task { do { for try await _ in stream {} } catch {} }
            let deadline = ContinuousClock.now + .seconds(15)
            while !alpha.recorded.contains("tool slow"), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            consumer.cancel()
            // No waiting for the first turn to wind down.
            let next = await record(orchestrator, "second")
            #expect(next.error == nil, "\(String(describing: next.error))")
            #expect(next.summary?.answer == "second answer")
            let messages = try model.bodies()[1]["messages"] as! [[String: Any]]
            #expect(messages.map { $0["role"] as! String } == ["user", "assistant", "tool", "user"])
        }
    }
}
