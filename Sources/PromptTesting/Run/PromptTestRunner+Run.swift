import Foundation
import MCP
import MCPGateway
import ModelClient
import Orchestrator
import PromptTemplates

extension PromptTestRunner {
    /// One repeat: set up the cassette and tools, run the turns, check them, save the recording.
    func runOnce(_ test: PromptTestCase, of suite: PromptTestSuite, repeatIndex: Int) async -> RunResult {
        let started = ContinuousClock.now
        var result = await run(test, of: suite, repeatIndex: repeatIndex)
        result.durationMs = (ContinuousClock.now - started).milliseconds
        return result
    }

    private func run(_ test: PromptTestCase, of suite: PromptTestSuite, repeatIndex: Int) async -> RunResult {
        let path = Self.cassettePath(suite, test: test.name, repeatIndex: repeatIndex)
        var result = RunResult(repeatIndex: repeatIndex, cassette: path)
        let prompt: RenderedPrompt
        let existing: Cassette?
        do {
            if let reference = suite.mcpPrompt {
                guard let mcpPrompts else { throw PromptFileError(file: reference.description, message: "no MCP server was started to get the prompt from") }
                prompt = try await mcpPrompts(reference, test.vars)
            } else {
                prompt = try suite.renderer.render(suite.template, variables: test.vars)
            }
            existing = options.record == .rewrite ? nil : try Cassette.load(path)
        } catch {
            result.error = "\(error)"
            return result
        }
        result.warnings = prompt.warnings
        let recordsLive = options.record.recordsLive(existing: existing != nil)
        if recordsLive && liveModel == nil {
            result.error = "no model to record with (configure model.base_url, or replay with --record none)"
            return result
        }
        let fresh = Cassette(prompt: (suite.template.file as NSString).lastPathComponent, test: test.name, repeatIndex: repeatIndex)
        let model = CassetteModel(
            cassette: existing ?? fresh, path: path, live: recordsLive ? liveModel : nil, recordsMissing: recordsLive,
            modelName: prompt.model ?? modelName)
        let toolRouter: (any ToolRouter)
        var recorder: CassetteToolRouter?
        if test.toolResults == .recorded || options.recordTools {
            if recordsLive {
                guard let router else { result.error = "no MCP server was started to record tool results from"; return result }
                let live = prompt.router(over: router)
                // `new` keeps what is recorded: only calls the recording lacks go to the servers.
                if options.record == .new, let tools = existing?.tools {
                    recorder = CassetteToolRouter(replaying: tools, missingFrom: live)
                } else {
                    recorder = CassetteToolRouter(recordingThrough: live)
                }
            } else {
                guard let recording = existing?.tools else {
                    result.error = existing == nil
                        ? "no recording at \(path) (record it: lmg prompt test --record once)"
                        : "\(path) holds no tool results (toolResults: recorded needs them: --record rewrite)"
                    if existing == nil { result.failures.append(result.error!); result.error = nil }
                    return result
                }
                recorder = CassetteToolRouter(replaying: recording)
            }
            toolRouter = recorder!
        } else {
            guard let router else { result.error = "no MCP server was started for live tool results"; return result }
            toolRouter = prompt.router(over: router)
        }
        let orchestrator = Orchestrator(manager: toolRouter, model: model, options: prompt.orchestratorOptions(base: baseOptions))
        await orchestrator.setModel(prompt.model)
        do {
            let messages = prompt.split.messages
            var turns: [(messages: [ChatMessage], user: String?, expect: Expectation)] = [(messages, nil, test.expect)]
            turns += test.turns.map { ([.user($0.user)], $0.user, $0.expect) }
            for (index, turn) in turns.enumerated() {
                let record = try await runTurn(orchestrator, turn.messages, user: turn.user, model: model)
                var failures = ExpectationCheck.failures(turn.expect, record.0, stopReason: record.1)
                let question = turn.user ?? messages.last { $0.role == .user }?.text ?? ""
                failures += try await judgeFailures(turn.expect, answer: record.0.answer, question: question, model: model, recordsLive: recordsLive)
                result.failures += failures.map { turns.count > 1 ? "turn \(index + 1): \($0)" : $0 }
                result.turns.append(record.0)
            }
        } catch let miss as CassetteMiss {
            result.failures.append(miss.description)
        } catch {
            result.error = "\(error)"
        }
        if let recorder {
            let misses = await recorder.misses
            result.failures += misses
        }
        result.recorded = await model.recorded
        result.unplayed = options.record == .rewrite || existing == nil ? 0 : await model.unplayed
        if recordsLive && result.error == nil {
            var cassette = await model.contents
            if let recorder, existing?.tools == nil || options.record == .rewrite || result.recorded > 0 {
                cassette.tools = await recorder.contents
            }
            if result.recorded > 0 || existing == nil {
                do { try cassette.save(path) } catch { result.error = "\(error)" }
            }
        }
        return result
    }

    /// The `judge` checks of `expect`, each graded by the judge model through the cassette.
    private func judgeFailures(_ expect: Expectation, answer: String, question: String, model: CassetteModel, recordsLive: Bool) async throws -> [String] {
        var failures: [String] = []
        for case .judge(let rubric, let threshold) in expect.answer {
            let request = JudgeCheck.request(rubric: rubric, question: question, answer: answer)
            let name = judge?.name ?? model.modelName
            let live: (any ChatModel)? = !recordsLive ? nil : judge == nil ? liveModel : judge?.live
            let verdict = try await model.complete(request, by: name, live: live)
            if let failure = JudgeCheck.failure(rubric: rubric, threshold: threshold, judgeAnswer: verdict.message.text) { failures.append(failure) }
        }
        return failures
    }

    /// One turn through the orchestrator; its latency is as recorded when the answers are replayed.
    private func runTurn(_ orchestrator: Orchestrator, _ messages: [ChatMessage], user: String?, model: CassetteModel) async throws -> (TurnRecord, StopReason) {
        let started = ContinuousClock.now
        let shiftBefore = await model.replayedTimeShiftMs
        var summary: TurnSummary?
        for try await event in await orchestrator.send(messages: messages) {
            if case .turnFinished(let finished) = event { summary = finished }
        }
        guard let summary else { throw CancellationError() }
        let calls = summary.toolCalls.map { ObservedCall(name: $0.request.qualifiedName, arguments: $0.request.arguments, isError: $0.isError) }
        let record = TurnRecord(
            user: user, answer: summary.answer, stopReason: summary.stopReason.rawValue, toolCalls: calls, rounds: summary.toolIterations,
            usage: summary.usage, latencyMs: (ContinuousClock.now - started).milliseconds + (await model.replayedTimeShiftMs - shiftBefore))
        return (record, summary.stopReason)
    }
}
