import Foundation
import MCP
import MCPGateway
import ModelClient

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
    public private(set) var alwaysApproved: Set<String> = []
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
                let summary = try await self.runTurn(messages, events: continuation)
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
        do {
            while true {
                let namespace = await router.namespace()
                let request = ChatRequest(
                    model: conversation.model, messages: conversation.requestMessages,
                    tools: ToolSchemaConverter.functions(for: namespace.tools))
                let turn = try await model.complete(request) { events.yield(.textDelta($0)) }
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
                        toolCalls: outcomes, usage: usage)
                }
                iterations += 1
                let round = try await runTools(calls, namespace: namespace, repeats: &repeats, events: events)
                outcomes += round.outcomes
                conversation.messages += round.messages
                if let name = round.stoppedOn {
                    return finish(
                        "Stopped: the model kept calling \(name) with the same arguments.", reason: .repeatedToolCall,
                        iterations: iterations, outcomes: outcomes, usage: usage)
                }
                if iterations >= options.maxToolIterations {
                    return finish(
                        "Stopped after \(iterations) rounds of tool calls without a final answer (max_tool_iterations is \(options.maxToolIterations)).",
                        reason: .maxToolIterations, iterations: iterations, outcomes: outcomes, usage: usage)
                }
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
        _ note: String, reason: StopReason, iterations: Int, outcomes: [ToolCallOutcome], usage: TokenUsage
    ) -> TurnSummary {
        conversation.messages.append(.assistant(note))
        return TurnSummary(answer: note, stopReason: reason, toolIterations: iterations, toolCalls: outcomes, usage: usage)
    }

    // MARK: - Tool calls

    private struct Round {
        var outcomes: [ToolCallOutcome]
        var messages: [ChatMessage]
        /// The call whose repeats ended the turn, if any.
        var stoppedOn: String?
    }

    /// A call checked and approved, waiting to run.
    private struct Approved: Sendable {
        var index: Int
        var request: ToolCallRequest
        var arguments: [String: Value]
    }

    /// Checks every call in order (name, arguments, repeats, approval: sequential, so approval
    /// prompts never overlap), then runs the approved ones concurrently, bounded.
    private func runTools(
        _ calls: [ToolCall], namespace: ToolNamespace, repeats: inout RepeatedCallGuard,
        events: AsyncThrowingStream<OrchestratorEvent, Error>.Continuation
    ) async throws -> Round {
        var outcomes = [ToolCallOutcome?](repeating: nil, count: calls.count)
        var approved: [Approved] = []
        var stoppedOn: String?
        repeats.startRound()
        for (index, call) in calls.enumerated() {
            let target = namespace.resolve(call.function.name)
            let request = ToolCallRequest(
                id: call.id, qualifiedName: call.function.name, server: target?.server, tool: target?.tool.name,
                arguments: call.function.arguments, readOnly: target?.tool.annotations.readOnlyHint == true)
            events.yield(.toolCallRequested(request))
            func reject(_ text: String, _ status: ToolCallOutcome.Status = .rejected) {
                let outcome = ToolCallOutcome(
                    request: request, status: status, isError: true, content: text,
                    summary: ToolResultFormatter.summary(text), duration: .zero, truncated: false)
                outcomes[index] = outcome
                events.yield(.toolCallFinished(outcome))
            }
            guard target != nil else {
                let close = namespace.closestNames(to: call.function.name)
                reject("Error: there is no tool named '\(call.function.name)'."
                    + (close.isEmpty ? "" : " The closest tools are: \(close.joined(separator: ", ")).")
                    + " Use one of the tools you were given, with its exact name.")
                continue
            }
            let arguments: [String: Value]
            switch Self.parseArguments(call.function.arguments) {
            case .success(let parsed): arguments = parsed
            case .failure(let problem):
                reject("Error: the arguments of this call are not valid: \(problem). Call the tool again with a JSON object that matches its parameters schema.")
                continue
            }
            switch repeats.check(call.function.name + "\u{0}" + Self.canonical(arguments)) {
            case .run: break
            case .refuse(let times):
                reject("Error: this exact call (same tool, same arguments) was made \(times) times in a row, in each of your last \(times) answers; its result will not change. Use the results you have, or try something different.")
                continue
            case .stop(let times):
                reject("Error: this exact call was repeated \(times) times in a row, in each of your last \(times) answers; the turn was stopped.")
                stoppedOn = call.function.name
                continue
            }
            if let denial = await approve(request) {
                reject("The user denied this tool call\(denial.isEmpty ? "" : ": \(denial)"). Do not call it again unless the user asks; continue without it.", .denied)
                continue
            }
            approved.append(Approved(index: index, request: request, arguments: arguments))
        }
        var attachments = [[ContentPart]](repeating: [], count: calls.count)
        for result in try await execute(approved, events: events) {
            outcomes[result.index] = result.outcome
            attachments[result.index] = result.images
        }

        var messages: [ChatMessage] = []
        var images: [ContentPart] = []
        for (index, call) in calls.enumerated() {
            messages.append(.tool(outcomes[index]!.content, answering: call))
            images += attachments[index]
        }
        if !images.isEmpty {
            // Tool messages cannot carry images on most endpoints: a user message right after can.
            messages.append(ChatMessage(role: .user, content: .parts([.text("Images returned by the tool calls above:")] + images)))
        }
        return Round(outcomes: outcomes.map { $0! }, messages: messages, stoppedOn: stoppedOn)
    }

    /// Runs approved calls, at most `maxConcurrentToolCalls` at once.
    private func execute(
        _ approved: [Approved], events: AsyncThrowingStream<OrchestratorEvent, Error>.Continuation
    ) async throws -> [(index: Int, outcome: ToolCallOutcome, images: [ContentPart])] {
        let router = router
        let formatter = ToolResultFormatter(limit: options.maxToolResultCharacters, supportsImages: options.supportsImages)
        let cap = options.toolTimeoutCap
        let limit = options.maxConcurrentToolCalls
        return try await withThrowingTaskGroup(of: (Int, ToolCallOutcome, [ContentPart]).self) { group in
            var results: [(index: Int, outcome: ToolCallOutcome, images: [ContentPart])] = []
            var pending = approved[...]
            var inFlight = 0
            while true {
                while inFlight < limit, let next = pending.popFirst() {
                    inFlight += 1
                    group.addTask {
                        try await Self.call(next, router: router, formatter: formatter, cap: cap, events: events)
                    }
                }
                guard let (index, outcome, images) = try await group.next() else { break }
                inFlight -= 1
                results.append((index, outcome, images))
            }
            return results
        }
    }

    private static func call(
        _ approved: Approved, router: any ToolRouter, formatter: ToolResultFormatter, cap: Duration?,
        events: AsyncThrowingStream<OrchestratorEvent, Error>.Continuation
    ) async throws -> (Int, ToolCallOutcome, [ContentPart]) {
        let request = approved.request
        events.yield(.toolCallStarted(request))
        let clock = ContinuousClock()
        let start = clock.now
        var outcome: ToolCallOutcome
        var images: [ContentPart] = []
        do {
            // No per-call override: the server's own limit applies, the app's cap only shortens it.
            let result = try await ToolCallCap.run(cap, server: request.server!) {
                try await router.callTool(
                    server: request.server!, tool: request.tool!, arguments: approved.arguments, timeout: nil,
                    onProgress: { events.yield(.toolCallProgress(id: request.id, progress: $0)) })
            }
            let formatted = formatter.format(result)
            images = formatted.images
            outcome = ToolCallOutcome(
                request: request, status: .completed, isError: result.isError == true, content: formatted.text,
                summary: ToolResultFormatter.summary(formatted.text), duration: clock.now - start,
                truncated: formatted.truncated)
        } catch {
            if Task.isCancelled {
                let text = "The user cancelled this tool call."
                events.yield(.toolCallFinished(ToolCallOutcome(
                    request: request, status: .cancelled, isError: true, content: text, summary: "cancelled",
                    duration: clock.now - start, truncated: false)))
                throw CancellationError()
            }
            let text = "Tool error: the call failed: \(error)"
            outcome = ToolCallOutcome(
                request: request, status: .failed, isError: true, content: text,
                summary: ToolResultFormatter.summary("\(error)"), duration: clock.now - start, truncated: false)
        }
        events.yield(.toolCallFinished(outcome))
        return (approved.index, outcome, images)
    }

    /// nil when the call may run; the denial reason (possibly empty) when not.
    private func approve(_ request: ToolCallRequest) async -> String? {
        if case .never = options.approval { return "tool calls are turned off" }
        if options.autoApproveReadOnly && request.readOnly { return nil }
        if alwaysApproved.contains(request.qualifiedName) { return nil }
        switch options.approval {
        case .always: return nil
        case .never: return "tool calls are turned off"
        case .perTool(let table, let otherwise):
            return table[request.qualifiedName] ?? otherwise ? nil : "this tool is not allowed"
        case .ask(let ask):
            switch await ask(request) {
            case .once: return nil
            case .always:
                alwaysApproved.insert(request.qualifiedName)
                return nil
            case .deny(let reason): return reason ?? ""
            }
        }
    }

    // MARK: - Arguments

    /// The model's argument text as an object; empty text counts as no arguments.
    static func parseArguments(_ text: String) -> Result<[String: Value], ArgumentProblem> {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return .success([:]) }
        guard let value = try? JSONDecoder().decode(Value.self, from: Data(trimmed.utf8)) else {
            return .failure(ArgumentProblem("not valid JSON: \(trimmed.prefix(80))"))
        }
        switch value {
        case .object(let object): return .success(object)
        case .null: return .success([:])
        default: return .failure(ArgumentProblem("expected a JSON object, got \(trimmed.prefix(80))"))
        }
    }

    struct ArgumentProblem: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    static func canonical(_ arguments: [String: Value]) -> String {
        ContentRenderer.json(.object(arguments))
    }
}

/// Why the orchestrator refused to start a turn.
public enum OrchestratorError: Error, Sendable, CustomStringConvertible {
    /// A turn is already running; wait for it or cancel it.
    case busy
    /// `retry()` found no user message to send again.
    case nothingToRetry

    public var description: String {
        switch self {
        case .busy: return "a turn is already running: wait for it or cancel it"
        case .nothingToRetry: return "there is no message to retry yet"
        }
    }
}
