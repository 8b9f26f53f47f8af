import Foundation
import MCP
import MCPGateway
import ModelClient

/// One round of tool calls: checked in order (name, arguments, repeats, approval), run
/// concurrently, answered in the calls' order.
extension Orchestrator {
    // MARK: - Tool calls

    struct Round {
        var outcomes: [ToolCallOutcome]
        var messages: [ChatMessage]
        /// The call whose repeats ended the turn, if any.
        var stoppedOn: String?
    }

    /// A call checked and approved, waiting to run.
    struct Approved: Sendable {
        var index: Int
        var request: ToolCallRequest
        var arguments: [String: Value]
        /// Set for a call of a resource function rather than an MCP tool.
        var function: ResourceFunction?
    }

    /// Checks every call in order (name, arguments, repeats, approval: sequential, so approval
    /// prompts never overlap), then runs the approved ones concurrently, bounded.
    func runTools(
        _ calls: [ToolCall], namespace: ToolNamespace, resources: ResourceFunctions?, repeats: inout RepeatedCallGuard,
        events: AsyncThrowingStream<OrchestratorEvent, Error>.Continuation
    ) async throws -> Round {
        var outcomes = [ToolCallOutcome?](repeating: nil, count: calls.count)
        var approved: [Approved] = []
        var stoppedOn: String?
        repeats.startRound()
        for (index, call) in calls.enumerated() {
            let target = namespace.resolve(call.function.name)
            let function = resources == nil ? nil : ResourceFunction(rawValue: call.function.name)
            let request = ToolCallRequest(
                id: call.id, qualifiedName: call.function.name, server: target?.server, tool: target?.tool.name,
                arguments: call.function.arguments, readOnly: function != nil || target?.tool.annotations.readOnlyHint == true)
            events.yield(.toolCallRequested(request))
            func reject(_ text: String, _ status: ToolCallOutcome.Status = .rejected) {
                let outcome = ToolCallOutcome(
                    request: request, status: status, isError: true, content: text,
                    summary: ToolResultFormatter.summary(text), duration: .zero, truncated: false)
                outcomes[index] = outcome
                events.yield(.toolCallFinished(outcome))
            }
            guard let schema = function?.schema ?? target?.tool.inputSchema else {
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
                reject(Self.invalidArguments("\(problem)"))
                continue
            }
            // The gateway's check, before any round trip: the model learns which field to fix.
            let problems = ToolInputValidator(schema: schema).problems(in: arguments)
            guard problems.isEmpty else {
                reject(Self.invalidArguments(ToolInputError.summary(of: problems)))
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
            approved.append(Approved(index: index, request: request, arguments: arguments, function: function))
        }
        var attachments = [[ContentPart]](repeating: [], count: calls.count)
        for result in try await execute(approved, resources: resources, events: events) {
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
    func execute(
        _ approved: [Approved], resources: ResourceFunctions?, events: AsyncThrowingStream<OrchestratorEvent, Error>.Continuation
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
                        if let function = next.function, let resources {
                            return try await Self.call(function, next, resources: resources, formatter: formatter, events: events)
                        }
                        return try await Self.call(next, router: router, formatter: formatter, cap: cap, events: events)
                    }
                }
                guard let (index, outcome, images) = try await group.next() else { break }
                inFlight -= 1
                results.append((index, outcome, images))
            }
            return results
        }
    }

    static func call(
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
            outcome.images = ContentRenderer.images(in: result.content)
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

    /// Runs a resource function's call. A failed read is the model's to recover from (another
    /// URI, a server named): it goes back as a tool error, like a tool's own; a cancelled turn
    /// ends as a tool call's does.
    static func call(
        _ function: ResourceFunction, _ approved: Approved, resources: ResourceFunctions, formatter: ToolResultFormatter,
        events: AsyncThrowingStream<OrchestratorEvent, Error>.Continuation
    ) async throws -> (Int, ToolCallOutcome, [ContentPart]) {
        var request = approved.request
        events.yield(.toolCallStarted(request))
        let start = ContinuousClock.now
        let answer = await resources.run(function, approved.arguments, renderer: formatter.renderer, limit: formatter.limit)
        if Task.isCancelled {
            events.yield(.toolCallFinished(ToolCallOutcome(
                request: request, status: .cancelled, isError: true, content: "The user cancelled this tool call.",
                summary: "cancelled", duration: .now - start, truncated: false)))
            throw CancellationError()
        }
        request.server = answer.server ?? request.server
        let text = answer.content.text
        let outcome = ToolCallOutcome(
            request: request, status: .completed, isError: answer.isError, content: text,
            summary: ToolResultFormatter.summary(text), duration: .now - start, truncated: answer.content.truncated)
        events.yield(.toolCallFinished(outcome))
        return (approved.index, outcome, answer.content.images.map(ContentPart.init))
    }

    /// nil when the call may run; the denial reason (possibly empty) when not.
    func approve(_ request: ToolCallRequest) async -> String? {
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

    /// What the model is told about arguments it must fix.
    static func invalidArguments(_ problem: String) -> String {
        "Error: the arguments of this call are not valid: \(problem). Call the tool again with a JSON object that matches its parameters schema."
    }

    struct ArgumentProblem: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    static func canonical(_ arguments: [String: Value]) -> String {
        ContentRenderer.json(.object(arguments))
    }
}
