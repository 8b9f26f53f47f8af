import Foundation
import MCP
import MCPGateway
import Orchestrator
import TestSupport
import Testing

/// The loop, continued: approvals, rich results, progress, prompts, one turn at a time, retry.
extension OrchestratorLoopTests {
    @Test func deniedCallNeverRunsAndTheModelIsTold() async throws {
        let model = try await ScriptedModel.start([
            ["tool_calls": [call("d1", "alpha__echo", #"{"text": "secret plan"}"#), call("d2", "alpha__add", #"{"a": 1, "b": 1}"#)]],
            ["content": "ok"],
        ], strict: true)
        defer { model.stop() }
        try await Self.withServers { (manager, alpha, _) async throws in
            let asked = Asked()
            let policy = ApprovalPolicy.ask { request in
                await asked.add(request.qualifiedName)
                return request.qualifiedName == "alpha__echo" ? .deny(reason: "not now") : .once
            }
            let orchestrator = Orchestrator(manager: manager, model: model.client(), options: .init(approval: policy, autoApproveReadOnly: false))
            let turn = await record(orchestrator, "do it")
            #expect(turn.summary?.answer == "ok")
            #expect(await asked.names == ["alpha__echo", "alpha__add"])
            #expect(turn.finished.first { $0.request.id == "d1" }?.status == .denied)
            let results = try model.toolMessages(inRequest: 1)
            #expect((results[0]["content"] as? String)?.contains("denied") == true)
            #expect(results[1]["content"] as? String == "2")
            #expect(!alpha.recorded.contains("tool echo"))
            #expect(alpha.recorded.contains("tool add"))
        }
    }

    @Test func alwaysApprovalIsRemembered() async throws {
        let model = try await ScriptedModel.start([
            ["tool_calls": [call("a1", "alpha__add", #"{"a": 1, "b": 1}"#)]],
            ["tool_calls": [call("a2", "alpha__add", #"{"a": 2, "b": 2}"#)]],
            ["content": "ok"],
        ], strict: true)
        defer { model.stop() }
        try await Self.withServers { (manager, _, _) async throws in
            let asked = Asked()
            let policy = ApprovalPolicy.ask { request in
                await asked.add(request.qualifiedName)
                return .always
            }
            let orchestrator = Orchestrator(manager: manager, model: model.client(), options: .init(approval: policy))
            let turn = await record(orchestrator, "twice")
            #expect(turn.finished.map(\.status) == [.completed, .completed])
            #expect(await asked.names == ["alpha__add"])
        }
    }

    @Test func imagesAndLargeResults() async throws {
        let model = try await ScriptedModel.start([
            ["tool_calls": [call("i", "alpha__image", "{}"), call("l", "alpha__large", #"{"kb": 8}"#)]],
            ["content": "seen"],
        ], strict: true)
        defer { model.stop() }
        try await Self.withServers { (manager, _, _) async throws in
            let options = OrchestratorOptions(maxToolResultCharacters: 2000, supportsImages: true)
            let orchestrator = Orchestrator(manager: manager, model: model.client(), options: options)
            let turn = await record(orchestrator, "look")
            #expect(turn.summary?.answer == "seen")
            let messages = try model.bodies()[1]["messages"] as! [[String: Any]]
            let tools = messages.filter { $0["role"] as? String == "tool" }
            #expect((tools[0]["content"] as? String)?.contains("image/png") == true)
            #expect((tools[1]["content"] as? String)?.contains("[result truncated: 2000 of 8192 characters shown]") == true)
            #expect(turn.finished.first { $0.request.id == "l" }?.truncated == true)
            // The image follows as user content the vision model can see.
            let last = messages.last!
            #expect(last["role"] as? String == "user")
            let parts = last["content"] as! [[String: Any]]
            let url = (parts.last?["image_url"] as? [String: Any])?["url"] as? String
            #expect(url?.hasPrefix("data:image/png;base64,") == true)
        }
    }
}


extension OrchestratorLoopTests {
    @Test func progressReachesTheEventStream() async throws {
        let model = try await ScriptedModel.start([
            ["tool_calls": [call("p", "alpha__progress", #"{"steps": 3}"#)]],
            ["content": "done"],
        ], strict: true)
        defer { model.stop() }
        try await Self.withServers { (manager, _, _) async throws in
            let orchestrator = Orchestrator(manager: manager, model: model.client())
            let turn = await record(orchestrator, "progress please")
            let updates = turn.events.compactMap { event -> MCPProgress? in
                if case .toolCallProgress(let id, let progress) = event, id == "p" { return progress }
                return nil
            }
            #expect(updates.map(\.progress) == [1, 2, 3])
            #expect(updates.last?.total == 3)
            // Order: requested, started, progress…, finished, then the answer.
            let kinds = turn.events.map { event -> String in
                switch event {
                case .toolCallRequested: "requested"
                case .toolCallStarted: "started"
                case .toolCallProgress: "progress"
                case .toolCallFinished: "finished"
                case .textDelta: "text"
                case .usage: "usage"
                case .turnFinished: "turn"
                }
            }.filter { $0 != "usage" }
            #expect(kinds.first == "requested" && kinds.dropFirst().first == "started")
            #expect(kinds.suffix(2) == ["text", "turn"] || kinds.last == "turn")
        }
    }

    @Test func anMCPPromptSeedsTheConversation() async throws {
        let model = try await ScriptedModel.start()
        defer { model.stop() }
        try await Self.withServers { (manager, _, _) async throws in
            let prompt = try await manager.client(named: "alpha").getPrompt("review_code", arguments: ["code": "print(1)"])
            let seeded = Conversation.messages(from: prompt)
            #expect(!seeded.isEmpty)
            let orchestrator = Orchestrator(manager: manager, model: model.client())
            var answer: String?
            for try await event in await orchestrator.send(messages: seeded) {
                if case .turnFinished(let summary) = event { answer = summary.answer }
            }
            #expect(answer?.contains("print(1)") == true)
            let sent = try model.bodies()[0]["messages"] as! [[String: Any]]
            #expect(sent.count == seeded.count)
        }
    }

    @Test func oneTurnAtATime() async throws {
        let model = try await ScriptedModel.start([["content": "slow", "delay_ms": 1500]], strict: true)
        defer { model.stop() }
        try await Self.withServers { (manager, _, _) async throws in
            let orchestrator = Orchestrator(manager: manager, model: model.client())
            let first = await orchestrator.send("one")
            let second = await record(orchestrator, "two")
            #expect(second.error is OrchestratorError)
            var answer: String?
            for try await event in first { if case .turnFinished(let s) = event { answer = s.answer } }
            #expect(answer == "slow")
        }
    }
}

extension OrchestratorLoopTests {
    @Test func retrySendsTheLastUserMessageAgain() async throws {
        let model = try await ScriptedModel.start([["content": "first try"], ["content": "second try"]], strict: true)
        defer { model.stop() }
        let manager = MCPManager(options: testClientOptions)
        let orchestrator = Orchestrator(manager: manager, model: model.client())
        var nothing: (any Error)?
        do { for try await _ in await orchestrator.retry() {} } catch { nothing = error }
        #expect(nothing as? OrchestratorError == .nothingToRetry)
        #expect(await record(orchestrator, "question").summary?.answer == "first try")
        var answer: String?
        for try await event in await orchestrator.retry() {
            if case .turnFinished(let summary) = event { answer = summary.answer }
        }
        #expect(answer == "second try")
        let conversation = await orchestrator.conversation
        #expect(conversation.messages.map(\.text) == ["question", "second try"])
        let resent = try model.bodies()[1]["messages"] as! [[String: Any]]
        #expect(resent.count == 1)
    }
}

actor Asked {
    var names: [String] = []
    func add(_ name: String) { names.append(name) }
}
