import Foundation
import GatewayRuntime
import MCPGateway
import ModelClient
import Orchestrator

/// `POST /v1/chat/completions` and `GET /v1/models`: the OpenAI API in front of the same
/// orchestrator loop as `lmg run`, so any OpenAI client gets the MCP tools its key may use,
/// run server-side over as many rounds as the model needs.
extension GatewayAPI {
    /// How often a streamed answer sends `: lmg tool running` while tools run (task-local, so a
    /// test can shorten it).
    @TaskLocal static var streamKeepAlive: Duration = .seconds(5)

    func chatCompletions(_ request: APIRequest, _ caller: Caller) async -> APIResponse {
        let keepAlive = Self.streamKeepAlive
        let body: ChatCompletionRequest
        do {
            body = try ChatCompletionRequest(body: request.body)
        } catch {
            return error.response
        }
        guard let model = runtime.models.model(named: body.model) else {
            return OpenAIError.modelNotFound(body.model, known: runtime.models.names).response
        }
        let router: FilteredToolRouter
        do {
            router = try await toolRouter(request.headers, body, caller)
        } catch {
            return error.response
        }
        let orchestrator = runtime.makeOrchestrator(model: model, router: router) { options in
            // The caller's messages are the whole conversation: no system prompt of the gateway's.
            options.systemPrompt = nil
            options.approval = .always
            options.externalTools = body.tools
            options.temperature = body.temperature
            options.maxTokens = body.maxTokens
            options.toolChoice = body.toolChoice
            options.extraRequestMembers = body.extraMembers
        }
        await orchestrator.setConversation(Conversation(messages: body.messages))
        let events = await orchestrator.send(messages: [])
        let answer = ChatCompletionAnswer(model: body.model)
        guard body.stream else { return await complete(events, answer: answer, model: body.model) }
        switch await ChatCompletionStream.start(events, answer: answer, includeUsage: body.includeUsage, keepAlive: keepAlive, model: body.model) {
        case .failure(let failure):
            return failure.response
        case .success(let stream):
            var response = APIResponse(status: 200, headers: [
                "Content-Type": "text/event-stream", "Cache-Control": "no-cache", "X-Accel-Buffering": "no",
            ])
            response.stream = stream
            return response
        }
    }

    /// The caller's MCP tools for this request, narrowed by its headers and `mcp` member; a
    /// server it names must exist and be the key's (400 / 403), and a client tool must not
    /// take the name of one of these tools (400).
    func toolRouter(_ headers: [String: String], _ body: ChatCompletionRequest, _ caller: Caller) async throws(OpenAIError) -> FilteredToolRouter {
        let known = await manager.serverNames
        for (name, param) in ToolSelection.named(headers: headers, member: body.mcp) where !(known.contains(name) && caller.allows(server: name)) {
            if known.contains(name) {
                throw OpenAIError(status: 403, type: "permission_error", code: "forbidden", param: param, message: "key '\(caller.keyName ?? "")' may not use server '\(name)'")
            }
            let visible = known.filter(caller.allows(server:))
            let hint = NameSuggestion.closest(to: name, in: visible).map { " (did you mean '\($0)'?)" } ?? ""
            throw .invalidRequest("\(param): there is no server '\(name)'\(hint)", param: param)
        }
        let selection = ToolSelection(caller: caller, headers: headers, member: body.mcp)
        let router = FilteredToolRouter(manager, resourcesOf: { selection.includesResources(of: $0) }) { selection.includes($0) }
        let namespace = await router.namespace()
        for (index, tool) in body.tools.enumerated() where namespace.resolve(tool.function.name) != nil {
            throw .invalidRequest(
                "'tools[\(index)].function.name': '\(tool.function.name)' is the name of an MCP tool this gateway runs; rename your function, or leave that tool out (X-LMG-Tools, \"mcp\")",
                param: "tools[\(index)].function.name")
        }
        return router
    }

    /// Runs the turn to its end: one `chat.completion`.
    func complete(_ events: AsyncThrowingStream<OrchestratorEvent, Error>, answer: ChatCompletionAnswer, model name: String) async -> APIResponse {
        do {
            for try await event in events {
                if case .turnFinished(let summary) = event { return .json(answer.completion(summary)) }
            }
            return OpenAIError(turnFailure: CancellationError(), model: name).response
        } catch {
            return OpenAIError(turnFailure: error, model: name).response
        }
    }

    /// `GET /v1/models`: OpenAI's list of the models callers may name.
    func models() -> APIResponse {
        let data: [JSONValue] = runtime.models.names.map { name in
            .object(["id": .string(name), "object": .string("model"), "created": .int(0), "owned_by": .string("lmg")])
        }
        return .json(JSONValue.object(["object": .string("list"), "data": .array(data)]))
    }
}
