import Foundation
import MCP
import MCPGateway
import Orchestrator
import TestSupport
import Testing

/// Loop detection and tool-call limits against the real fixture; in the serialized loop suite
/// because they measure wall time.
extension OrchestratorLoopTests {
    /// One fixture server, `alpha`, with its entry adjusted first.
    static func withServer<T>(
        _ adjust: (inout MCPServerConfig) -> Void, _ body: (MCPManager, FixtureServer) async throws -> T
    ) async throws -> T {
        let alpha = FixtureServer.stdio("alpha")
        var config = alpha.config
        adjust(&config)
        let manager = MCPManager(options: testClientOptions)
        await manager.addServers([config])
        for status in await manager.status() { try #require(status.state == .ready, "\(status)") }
        return try await withPeer(manager, stop: { await $0.shutdown() }) { manager in try await body(manager, alpha) }
    }

    @Test func identicalCallsInOneAnswerAllRun() async throws {
        let calls = (0..<6).map { call("s\($0)", "alpha__slow", #"{"seconds": 0.3}"#) }
        let model = try await ScriptedModel.start([["tool_calls": calls], ["content": "rested"]], strict: true)
        defer { model.stop() }
        try await Self.withServers { (manager, alpha, _) async throws in
            let orchestrator = Orchestrator(manager: manager, model: model.client())
            let turn = await record(orchestrator, "sleep six times")
            #expect(turn.summary?.stopReason == .answered)
            #expect(turn.summary?.answer == "rested")
            #expect(turn.finished.map(\.status) == Array(repeating: .completed, count: 6))
            #expect(alpha.recorded.filter { $0 == "tool slow" }.count == 6)
            try #require(try model.requests().count == 2, "the model got the six results back")
            #expect(try model.toolMessages(inRequest: 1).map { $0["tool_call_id"] as? String } == (0..<6).map { "s\($0)" })
        }
    }

    @Test func aCallSetAnsweredAgainAndAgainIsRefusedThenStopped() async throws {
        // Each answer asks for the same two calls, in a different order: a loop all the same.
        let rounds: [[String: Any]] = (0..<5).map { round in
            let pair = [call("e\(round)", "alpha__echo", #"{"text": "again"}"#), call("a\(round)", "alpha__add", #"{"a": 1, "b": 2}"#)]
            return ["tool_calls": round % 2 == 0 ? pair : pair.reversed()]
        }
        let model = try await ScriptedModel.start(rounds, strict: true)
        defer { model.stop() }
        try await Self.withServers { (manager, alpha, _) async throws in
            let orchestrator = Orchestrator(manager: manager, model: model.client())
            let turn = await record(orchestrator, "loop")
            #expect(turn.summary?.stopReason == .repeatedToolCall)
            #expect(turn.finished.map(\.status) == [.completed, .completed, .completed, .completed, .rejected, .rejected, .rejected, .rejected])
            try #require(try model.requests().count == 4)
            // The third answer's two calls, as the fourth request carried them back.
            let refusals = try model.toolMessages(inRequest: 3).suffix(2).map { $0["content"] as? String ?? "" }
            #expect(refusals.count == 2 && refusals.allSatisfy { $0.contains("3 times in a row") }, "\(refusals)")
            #expect(alpha.recorded.filter { $0 == "tool echo" }.count == 2)
        }
    }

    @Test func theAppsToolTimeoutNeverRaisesAServersToolTimeout() async throws {
        let model = try await ScriptedModel.start([
            ["tool_calls": [call("t", "alpha__slow", #"{"seconds": 5}"#)]],
            ["content": "gave up"],
        ], strict: true)
        defer { model.stop() }
        try await Self.withServer({ $0.toolTimeout = .milliseconds(500) }) { manager, _ in
            let options = OrchestratorOptions(toolTimeoutCap: .seconds(20))
            let orchestrator = Orchestrator(manager: manager, model: model.client(), options: options)
            let turn = await record(orchestrator, "wait")
            #expect(turn.summary?.answer == "gave up")
            let outcome = try #require(turn.finished.first)
            #expect(outcome.status == .failed, "the server's 0.5 s tool_timeout must hold: \(outcome.content)")
            #expect(outcome.content.contains("no answer within 0.5 s"), "\(outcome.content)")
            #expect(outcome.duration < .seconds(3), "took \(outcome.duration)")
        }
    }

    @Test func theAppsToolTimeoutCapShortensAServersLimit() async throws {
        let model = try await ScriptedModel.start([
            ["tool_calls": [call("t", "alpha__slow", #"{"seconds": 5}"#)]],
            ["content": "gave up"],
        ], strict: true)
        defer { model.stop() }
        try await Self.withServer({ $0.toolTimeout = .seconds(30) }) { manager, alpha in
            let options = OrchestratorOptions(toolTimeoutCap: .milliseconds(500))
            let orchestrator = Orchestrator(manager: manager, model: model.client(), options: options)
            let turn = await record(orchestrator, "wait")
            #expect(turn.summary?.answer == "gave up")
            let outcome = try #require(turn.finished.first)
            #expect(outcome.status == .failed)
            #expect(outcome.content.contains("the app's cap on tool calls"), "\(outcome.content)")
            #expect(outcome.duration < .seconds(3), "took \(outcome.duration)")
            // The server heard the call was cancelled, as with its own timeout.
            let heard = ContinuousClock.now + .seconds(5)
            while !alpha.recorded.contains(where: { $0.hasPrefix("cancelled") }), ContinuousClock.now < heard {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(alpha.recorded.contains { $0.hasPrefix("cancelled") }, "\(alpha.recorded)")
        }
    }
}
