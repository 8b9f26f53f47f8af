import Foundation
import JSONRPC
import MCP
import MCPGateway

/// `/mcp` in MCP 2026-07-28: no session. Each POST is one request that names its revision and
/// the client's capabilities in `_meta`, and any replica answers it: `server/discover` says what
/// the gateway speaks, lists and calls are answered as in the older revisions (with
/// `resultType` and cache hints), `subscriptions/listen` is the stream of changes, a server's
/// questions during a call come back inside an `input_required` result, and closing the
/// connection cancels the request.
extension GatewayAPI {
    /// Revisions served without a session, newest first.
    static let mcpModernVersions = ["2026-07-28"]

    /// Whether a request to `/mcp` speaks 2026-07-28: its `MCP-Protocol-Version` says so.
    static func isModernMCP(_ request: APIRequest) -> Bool {
        request.path == "/mcp" && request.headers[mcpVersionHeader].map(mcpModernVersions.contains) == true
    }

    func mcpModernPost(_ request: APIRequest, _ message: JSONRPCMessage, _ caller: Caller, wantsStream: Bool, wantsJSON: Bool) async -> APIResponse {
        let id: JSONRPCID, method: String
        switch message.kind {
        case .request(let requestID, let name):
            (id, method) = (requestID, name)
        case .notification:
            // Nothing to act on: a 2026-07-28 client cancels by closing the request's connection.
            return APIResponse(status: 202)
        case .response, .errorResponse:
            return Self.mcpError(400, code: JSONRPCErrorObject.invalidRequest,
                "Invalid Request: a 2026-07-28 client posts requests only; answers to a server's questions go in the retried request's inputResponses")
        }
        guard wantsJSON else {
            return Self.mcpError(406, code: JSONRPCErrorObject.invalidRequest, "Not Acceptable: a 2026-07-28 client accepts application/json and text/event-stream")
        }
        let params = Self.params(of: message)
        let envelope: MCPEnvelope
        do {
            envelope = try MCPEnvelope(params, method: method, headers: request.headers, supported: Self.mcpModernVersions)
        } catch {
            return Self.modernAnswer(JSONRPCCoding.errorResponse(id: id, error: error), error)
        }
        var methods = MCPMethods(api: self, session: MCPSession(id: "", state: envelope.state(keyName: caller.keyName)), caller: caller)
        methods.modern = true
        switch method {
        case "server/discover":
            return Self.modernAnswer(MCPMethods.response(id: id, result: Self.discovered), nil)
        case "subscriptions/listen":
            guard wantsStream else {
                return Self.mcpError(406, code: JSONRPCErrorObject.invalidRequest, "Not Acceptable: subscriptions/listen answers text/event-stream only")
            }
            return await mcpListen(id: id, params: params, caller: caller)
        case "tools/call":
            // What makes the request wrong is answered before any stream commits to a 200: an
            // unknown tool (-32602), and Mcp-Param-* headers that do not repeat the arguments.
            let target: QualifiedTool
            do {
                target = try await MCPCatalog(api: self, caller: caller).tool(named: try MCPMethods.string(params, "name"))
                let arguments: [String: Value] = if case .object(let given)? = params["arguments"] { given } else { [:] }
                try MCPMethods.checkParamHeaders(request.headers.filter { $0.key.hasPrefix("mcp-param-") }, tool: target.tool, arguments: arguments)
            } catch {
                return Self.modernAnswer(JSONRPCCoding.errorResponse(id: id, error: error), error)
            }
            // A stream only when there is something to send before the answer: progress, or
            // log messages the request opted in to.
            let streams = wantsStream && (Self.asksProgress(params) || envelope.logLevel != nil)
            let logs = streams ? envelope.logLevel.map { (target.server, $0) } : nil
            return await mcpModernCall(id: id, params: params, methods: methods, caller: caller, streams: streams, logs: logs)
        default:
            let (data, error) = await methods.reply(method, id: id, params: params, emit: nil)
            return Self.modernAnswer(data, error)
        }
    }

    /// The `progressToken` a request's `_meta` carries.
    static func progressToken(_ params: [String: Value]) -> Value? {
        if case .object(let meta)? = params["_meta"] { return meta["progressToken"] }
        return nil
    }

    /// A JSON answer with the status the 2026-07-28 table gives its error (200 for results).
    static func modernAnswer(_ data: Data, _ error: JSONRPCErrorObject?) -> APIResponse {
        APIResponse(status: MCPEnvelope.status(of: error?.code), headers: ["Content-Type": "application/json"], body: data)
    }

    /// What `server/discover` answers: the revisions and capabilities of the gateway, valid for
    /// an hour (they change only with a new lmg).
    static let discovered: Value = .object([
        "resultType": "complete",
        "ttlMs": 3_600_000,
        "cacheScope": "public",
        "supportedVersions": .array(mcpModernVersions.map { .string($0) }),
        "capabilities": .object([
            "tools": .object(["listChanged": .bool(true)]),
            "resources": .object(["listChanged": .bool(true), "subscribe": .bool(true)]),
            "prompts": .object(["listChanged": .bool(true)]),
            "logging": .object([:]),
        ]),
        "instructions": .string("Every MCP server of this lmg gateway as one: tools and prompts are named server__name."),
        "_meta": .object([
            "io.modelcontextprotocol/serverInfo": .object([
                "name": .string("lmg"), "title": .string("lmg gateway"), "version": .string(MCPClientOptions.libraryVersion),
            ]),
        ]),
    ])

    // MARK: - tools/call

    /// A call, or the retry of one that asked the client something (`requestState`). A client
    /// that can be asked nothing gets the plain call; otherwise the call runs as an
    /// `MCPInteractiveCall`, parked between the client's rounds.
    private func mcpModernCall(
        id: JSONRPCID, params: [String: Value], methods: MCPMethods, caller: Caller, streams: Bool, logs: (server: String, level: String)?
    ) async -> APIResponse {
        let name = params["name"]?.stringValue ?? ""
        let call: MCPInteractiveCall
        if let state = params["requestState"], state != .null {
            guard case .string(let token) = state,
                  let resumed = mcpInteractive.take(token, keyName: caller.keyName, tool: name, arguments: params["arguments"])
            else {
                let error = JSONRPCErrorObject(
                    code: JSONRPCErrorObject.invalidParams,
                    message: "Invalid params: requestState is unknown, expired or another call's (it names a call with these arguments held by one gateway replica); call again without it",
                    data: .object(["reason": "invalid_request_state"]))
                return Self.modernAnswer(JSONRPCCoding.errorResponse(id: id, error: error), error)
            }
            if case .object(let answers)? = params["inputResponses"] { resumed.deliver(answers) }
            call = resumed
        } else if methods.session.state.capabilities.isDisjoint(with: [.elicitation, .elicitationURL, .sampling, .roots]) {
            return await mcpPlainCall(id: id, params: params, methods: methods, streams: streams, logs: logs)
        } else {
            call = MCPInteractiveCall(id: id, tool: name, arguments: params["arguments"], keyName: caller.keyName, capabilities: methods.session.state.capabilities)
            var asking = methods
            asking.interactive = call
            let configured = asking
            // The answer is written for this POST's id; a retry's own id replaces it.
            call.start { call in await configured.reply("tools/call", id: id, params: params, emit: { call.forward($0) }) }
        }
        guard streams else {
            let step = await withTaskCancellationHandler { await call.next() } onCancel: { call.cancel() }
            let (data, error) = render(step, call: call, id: id)
            return Self.modernAnswer(data, error)
        }
        return Self.eventStream(keepAlive: Self.streamKeepAlive) { sink in
            let emit = Self.streamEmit(sink)
            call.attach(emit, progressToken: Self.progressToken(params))
            let forwarding = self.forwardLogs(logs, to: emit)
            let step = await withTaskCancellationHandler { await call.next() } onCancel: { call.cancel() }
            forwarding?.cancel()
            call.attach(nil)
            sink.yield(Self.event(self.render(step, call: call, id: id).0))
        }
    }

    /// An event stream's sink as the place a call's messages go; false once the client left.
    private static func streamEmit(_ sink: AsyncStream<Data>.Continuation) -> MCPMethods.Emit {
        { message in
            if case .terminated = sink.yield(Self.event(message)) { return false }
            return true
        }
    }

    /// While a call that opted in to log messages runs, its server's messages at or above the
    /// level go on the call's stream (2026-07-28 has no other place for them).
    private func forwardLogs(_ logs: (server: String, level: String)?, to emit: @escaping MCPMethods.Emit) -> Task<Void, Never>? {
        guard let logs else { return nil }
        let feed = manager.serverLogs()
        return Task {
            for await log in feed where log.server == logs.server {
                guard let (level, message) = MCPChangeBroadcaster.notification(for: log),
                      MCPLogLevel.rank(level) >= MCPLogLevel.rank(logs.level) else { continue }
                _ = emit(message)
            }
        }
    }

    /// A call no server can ask anything of this client through (it declared none of it).
    private func mcpPlainCall(id: JSONRPCID, params: [String: Value], methods: MCPMethods, streams: Bool, logs: (server: String, level: String)?) async -> APIResponse {
        guard streams else {
            let (data, error) = await methods.reply("tools/call", id: id, params: params, emit: nil)
            return Self.modernAnswer(data, error)
        }
        return Self.eventStream(keepAlive: Self.streamKeepAlive) { sink in
            let emit = Self.streamEmit(sink)
            let forwarding = self.forwardLogs(logs, to: emit)
            let (data, _) = await methods.reply("tools/call", id: id, params: params, emit: emit)
            forwarding?.cancel()
            sink.yield(Self.event(data))
        }
    }

    /// The response a step gives the POST `id`: the call's own (under this POST's id), or an
    /// `input_required` result whose `requestState` parks the call until the client answers.
    private func render(_ step: MCPInteractiveCall.Step, call: MCPInteractiveCall, id: JSONRPCID) -> (Data, JSONRPCErrorObject?) {
        switch step {
        case .finished(_, let error?):
            return (JSONRPCCoding.errorResponse(id: id, error: error), error)
        case .finished(let data, nil):
            return (id == call.startID ? data : Self.reidentified(data, as: id), nil)
        case .needsInput(let questions):
            // A POST cancelled meanwhile (its client went away) leaves nobody to hand a state to.
            guard !call.isCancelled, !Task.isCancelled else {
                call.cancel()
                let error = JSONRPCErrorObject(code: JSONRPCErrorObject.internalError, message: "the call was cancelled")
                return (JSONRPCCoding.errorResponse(id: id, error: error), error)
            }
            guard let token = mcpInteractive.park(call) else {
                let error = JSONRPCErrorObject(code: JSONRPCErrorObject.internalError,
                    message: "the gateway holds as many calls waiting for answers as it keeps (for this key or in all), or is stopping; try again later")
                return (JSONRPCCoding.errorResponse(id: id, error: error), error)
            }
            var requests: [String: Value] = [:]
            for question in questions {
                var request: [String: Value] = ["method": .string(question.method)]
                if let params = question.params { request["params"] = params }
                requests[question.key] = .object(request)
            }
            let result: Value = .object(["resultType": "input_required", "inputRequests": .object(requests), "requestState": .string(token)])
            return (MCPMethods.response(id: id, result: result), nil)
        }
    }

    /// A result response under another id: the call's answer was written for the POST that
    /// started it (`JSONWriter.head`), and a retry has its own.
    static func reidentified(_ data: Data, as id: JSONRPCID) -> Data {
        guard case .object(let members)? = try? JSONValueParser.parse(data), let result = members["result"] else { return data }
        return MCPMethods.response(id: id, result: result)
    }
}
