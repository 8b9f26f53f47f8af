import Foundation
import MCP
import MCPGateway
import ModelClient
import Tracing

/// The tool-calling loop: sends the conversation and the tools to the model, runs the tool calls
/// it returns through the router (concurrently, results kept in order), feeds the results back,
/// and repeats until the model answers.
///
/// One turn runs at a time. Bad model output (unknown tools, invalid JSON arguments, a call
/// repeated in a loop) goes back to the model as a tool error; only model failures end a turn
/// with an error. Cancelling the task that consumes ``send(_:)`` cancels the model request and
/// every tool call in flight.
public actor Orchestrator {
    public let model: any ChatModel
    public let router: any ToolRouter
    public private(set) var options: OrchestratorOptions
    public private(set) var conversation: Conversation
    /// Tokens used by every turn since the orchestrator was made.
    public private(set) var totalUsage = TokenUsage()
    /// Tools the user approved for the whole conversation.
    public internal(set) var alwaysApproved: Set<String> = []
    private var running: Task<Void, Never>?
    /// Which turn `running` is, so a cancelled turn ending late does not clear its successor.
    private var turnNumber = 0

    public init(manager router: any ToolRouter, model: any ChatModel, options: OrchestratorOptions = .init()) {
        self.router = router
        self.model = model
        self.options = options
        self.conversation = Conversation(systemPrompt: options.systemPrompt)
    }

    // MARK: - Conversation

    /// Replaces the conversation (e.g. one loaded from a file).
    public func setConversation(_ conversation: Conversation) { self.conversation = conversation }
    /// Forgets every message; keeps the system prompt and model.
    public func clear() { conversation.messages.removeAll() }
    /// Later requests go to `name` (nil: the model client's default).
    public func setModel(_ name: String?) { conversation.model = name }
    public func setSystemPrompt(_ text: String?) { conversation.systemPrompt = text }
    public func setApproval(_ policy: ApprovalPolicy) { options.approval = policy }
    /// Adds messages without asking the model (e.g. an MCP prompt, an attached resource).
    public func append(_ messages: [ChatMessage]) { conversation.messages += messages }
    /// The model name requests use now.
    public var modelName: String { conversation.model ?? model.modelName }
    /// True while a turn runs (or a cancelled one winds down).
    public var isBusy: Bool { running != nil }

    // MARK: - Turns

    /// Adds the user's text and runs a turn; events arrive as they happen.
    public func send(_ text: String) -> AsyncThrowingStream<OrchestratorEvent, Error> {
        send(messages: [.user(text)])
    }

    /// Adds `messages` and runs a turn. Cancelling the consumer (or dropping the stream) cancels it.
    public func send(messages: [ChatMessage]) -> AsyncThrowingStream<OrchestratorEvent, Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: OrchestratorEvent.self)
        if let running, !running.isCancelled {
            continuation.finish(throwing: OrchestratorError.busy)
            return stream
        }
        // A cancelled turn may still be winding down (answering its calls as cancelled): the next
        // one starts after it, so a user who interrupts and types again is never refused.
        let previous = running
        turnNumber += 1
        let number = turnNumber
        let task = Task {
            await previous?.value
            do {
                let summary = try await withSpan("orchestrator.turn") { span in
                    let summary = try await self.runTurn(messages, events: continuation)
                    span.attributes["lmg.rounds"] = summary.modelRequests
                    span.attributes["lmg.tool_calls"] = summary.toolCalls.count
                    span.attributes["lmg.stop_reason"] = "\(summary.stopReason)"
                    return summary
                }
                continuation.yield(.turnFinished(summary))
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
            self.turnEnded(number)
        }
        running = task
        continuation.onTermination = { reason in
            if case .cancelled = reason { task.cancel() }
        }
        return stream
    }

    /// Runs the last user message again: what followed it (answers, tool results) is dropped
    /// first. Finishes at once with ``OrchestratorError/nothingToRetry`` when there is no user message.
    public func retry() -> AsyncThrowingStream<OrchestratorEvent, Error> {
        guard running == nil || running?.isCancelled == true,
              let index = conversation.messages.lastIndex(where: { $0.role == .user })
        else {
            let (stream, continuation) = AsyncThrowingStream.makeStream(of: OrchestratorEvent.self)
            continuation.finish(throwing: running == nil ? OrchestratorError.nothingToRetry : OrchestratorError.busy)
            return stream
        }
        let message = conversation.messages[index]
        conversation.messages.removeSubrange(index...)
        return send(messages: [message])
    }

    /// Runs a turn and returns its summary; for scripts that need no events.
    public func run(_ text: String) async throws -> TurnSummary {
        var summary: TurnSummary?
        for try await event in send(text) {
            if case .turnFinished(let finished) = event { summary = finished }
        }
        guard let summary else { throw CancellationError() }
        return summary
    }

    /// Cancels the running turn, if any.
    public func cancel() { running?.cancel() }

    private func turnEnded(_ number: Int) {
        if number == turnNumber { running = nil }
    }

    private func runTurn(
        _ newMessages: [ChatMessage], events: AsyncThrowingStream<OrchestratorEvent, Error>.Continuation
    ) async throws -> TurnSummary {
        conversation.messages += newMessages
        var usage = TokenUsage()
        var outcomes: [ToolCallOutcome] = []
        var repeats = RepeatedCallGuard(limit: options.repeatedCallLimit)
        var iterations = 0
        var requests = 0
        let external = Set(options.externalTools.map(\.function.name))
        do {
            while true {
                // One span per round: the model request, then the tool calls it asked for.
                let ended: TurnSummary? = try await withSpan("orchestrator.round") { span in
                    span.attributes["lmg.round"] = requests + 1
                    let namespace = await router.namespace()
                    let resources = await ResourceFunctions.offered(by: router, enabled: options.modelResources, external: external)
                    let request = nextRequest(
                        tools: ToolSchemaConverter.functions(for: namespace.tools) + (resources?.definitions ?? []), first: requests == 0)
                    let turn = try await model.complete(request) { events.yield(.textDelta($0)) }
                    requests += 1
                    try Task.checkCancellation()
                    if let used = turn.usage {
                        usage = usage + used
                        totalUsage = totalUsage + used
                        events.yield(.usage(used))
                    }
                    conversation.messages.append(turn.message)
                    guard let calls = turn.message.toolCalls, !calls.isEmpty else {
                        return TurnSummary(
                            answer: turn.message.text, stopReason: .answered, toolIterations: iterations,
                            toolCalls: outcomes, usage: usage, finishReason: turn.finishReason, modelRequests: requests)
                    }
                    let externalCalls = calls.filter { external.contains($0.function.name) }
                    if !externalCalls.isEmpty {
                        // The app answers its calls; the others are dropped unrun, so the history stays
                        // valid (every call answered) and the model asks again if it still needs them.
                        conversation.messages[conversation.messages.count - 1].toolCalls = externalCalls
                        return TurnSummary(
                            answer: turn.message.text, stopReason: .externalToolCalls, toolIterations: iterations,
                            toolCalls: outcomes, usage: usage, externalToolCalls: externalCalls,
                            finishReason: turn.finishReason, modelRequests: requests)
                    }
                    iterations += 1
                    let round = try await runTools(calls, namespace: namespace, resources: resources, repeats: &repeats, events: events)
                    outcomes += round.outcomes
                    conversation.messages += round.messages
                    if let name = round.stoppedOn {
                        return finish(
                            "Stopped: the model kept calling \(name) with the same arguments.", reason: .repeatedToolCall,
                            iterations: iterations, outcomes: outcomes, usage: usage, requests: requests)
                    }
                    if iterations >= options.maxToolIterations {
                        return finish(
                            "Stopped after \(iterations) rounds of tool calls without a final answer (max_tool_iterations is \(options.maxToolIterations)).",
                            reason: .maxToolIterations, iterations: iterations, outcomes: outcomes, usage: usage, requests: requests)
                    }
                    span.attributes["lmg.tool_calls"] = round.outcomes.count
                    return nil
                }
                if let ended { return ended }
            }
        } catch {
            // Keep the history valid for the next turn: answer every call left without a result.
            conversation.answerPendingCalls(with: error is CancellationError
                ? "The user cancelled this tool call." : "This tool call did not complete: \(error)")
            throw error
        }
    }

    /// Ends a turn the loop stopped: the note becomes the assistant's last message, so the saved
    /// conversation says what happened.
    private func finish(
        _ note: String, reason: StopReason, iterations: Int, outcomes: [ToolCallOutcome], usage: TokenUsage, requests: Int
    ) -> TurnSummary {
        conversation.messages.append(.assistant(note))
        return TurnSummary(
            answer: note, stopReason: reason, toolIterations: iterations, toolCalls: outcomes, usage: usage, modelRequests: requests)
    }

    /// The next model request: the conversation, the router's tools and the external ones, and
    /// the options' request settings (`toolChoice` on the first request only, unless `none`).
    private func nextRequest(tools: [FunctionTool], first: Bool) -> ChatRequest {
        let choice = first || options.toolChoice == .string("none") ? options.toolChoice : nil
        return ChatRequest(
            model: conversation.model, messages: conversation.requestMessages, tools: tools + options.externalTools,
            temperature: options.temperature, maxTokens: options.maxTokens, toolChoice: choice,
            extraMembers: options.extraRequestMembers)
    }
}
