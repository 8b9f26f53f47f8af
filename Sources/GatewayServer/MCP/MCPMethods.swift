import Foundation
import GatewayRuntime
import JSONRPC
import MCP
import MCPGateway

/// The JSON-RPC methods `/mcp` answers once a session is open, each onto the manager; every
/// failure becomes a JSON-RPC error object that says what to fix.
struct MCPMethods: Sendable {
    let api: GatewayAPI
    let session: MCPSession
    let caller: Caller
    /// 2026-07-28: results say `"resultType":"complete"`, lists how long they may be cached.
    var modern = false
    /// 2026-07-28: where a server's requests during a `tools/call` go (inside an
    /// `input_required` result); nil: relayed on the call's event stream, the older way.
    var interactive: MCPInteractiveCall?

    var catalog: MCPCatalog { MCPCatalog(api: api, caller: caller) }

    /// Where a `tools/call` sends a JSON-RPC message of its own (progress, a relayed request):
    /// the POST's event stream, which frames it; false once that stream is gone. nil when the
    /// answer is plain JSON, which cannot carry them.
    typealias Emit = @Sendable (Data) -> Bool

    /// The response to the request `id`: its result, or its error.
    func answer(_ method: String, id: JSONRPCID, params: [String: Value], emit: Emit?) async -> Data {
        await reply(method, id: id, params: params, emit: emit).data
    }

    /// The response to the request `id`, and its error when it is one (2026-07-28 picks the
    /// HTTP status by its code).
    func reply(_ method: String, id: JSONRPCID, params: [String: Value], emit: Emit?) async -> (data: Data, error: JSONRPCErrorObject?) {
        do {
            return (try await respond(method, id: id, params: params, emit: emit), nil)
        } catch {
            var object = Self.errorObject(error)
            // 2026-07-28 names a resource no one has invalid params, as it does any bad argument.
            if modern && object.code == JSONRPCErrorObject.resourceNotFound { object.code = JSONRPCErrorObject.invalidParams }
            return (JSONRPCCoding.errorResponse(id: id, error: object), object)
        }
    }

    private func respond(_ method: String, id: JSONRPCID, params: [String: Value], emit: Emit?) async throws -> Data {
        switch method {
        case "ping" where !modern:
            return Self.response(id: id, result: .object([:]))
        case "tools/list":
            return list(id, try await catalog.tools())
        case "tools/call":
            return try await callTool(id: id, params: params, emit: emit)
        case "resources/list":
            return list(id, try await catalog.resources())
        case "resources/templates/list":
            return list(id, try await catalog.resourceTemplates())
        case "resources/read":
            let uri = try Self.string(params, "uri")
            let server = try await catalog.server(reading: uri)
            return try JSONRPCCoding.response(id: id, result: try await api.manager.readResource(server: server, uri: uri), adding: complete)
        case "prompts/list":
            return list(id, try await catalog.prompts())
        case "prompts/get":
            return try await getPrompt(id: id, params: params)
        case "logging/setLevel" where !modern:
            let level = try Self.string(params, "level")
            guard MCPLogLevel.names.contains(level) else {
                throw JSONRPCErrorObject(code: JSONRPCErrorObject.invalidParams,
                    message: "Invalid params: 'level' must be one of \(MCPLogLevel.names.joined(separator: ", "))")
            }
            session.update { $0.logLevel = level }
            return Self.response(id: id, result: .object([:]))
        case "initialize" where !modern:
            throw JSONRPCErrorObject(code: JSONRPCErrorObject.invalidRequest, message: "this session is already initialized")
        default:
            let gone = modern && ["ping", "logging/setLevel", "initialize", "resources/subscribe", "resources/unsubscribe"].contains(method)
            throw JSONRPCErrorObject(
                code: JSONRPCErrorObject.methodNotFound,
                message: "Method not found: \(method)" + (gone ? " (not in 2026-07-28: see server/discover and subscriptions/listen)" : ""))
        }
    }

    /// `"resultType":"complete"` in 2026-07-28, nothing before.
    var complete: [UInt8] { modern ? Self.completeMember : [] }
    private static let completeMember = Array(#""resultType":"complete""#.utf8)

    /// A list's response. In 2026-07-28 it says it is complete and may not be reused without
    /// asking (`ttlMs` 0: servers come and go; `subscriptions/listen` says when), and for whom:
    /// with keys each key sees its own list, so it is `private`.
    private func list(_ id: JSONRPCID, _ result: Value) -> Data {
        guard modern, case .object(var members) = result else { return Self.response(id: id, result: result) }
        members["resultType"] = "complete"
        members["ttlMs"] = 0
        members["cacheScope"] = .string(caller.keyName == nil ? "public" : "private")
        return Self.response(id: id, result: .object(members))
    }

    private func callTool(id: JSONRPCID, params: [String: Value], emit: Emit?) async throws -> Data {
        let name = try Self.string(params, "name")
        let arguments: [String: Value]
        switch params["arguments"] {
        case nil, .null?: arguments = [:]
        case .object(let object)?: arguments = object
        default: throw JSONRPCErrorObject(code: JSONRPCErrorObject.invalidParams, message: "Invalid params: 'arguments' must be an object")
        }
        let target = try await catalog.tool(named: name)
        var onProgress: MCPProgressHandler?
        let asked: Value? = if case .object(let meta)? = params["_meta"] { meta["progressToken"] } else { nil }
        if let emit, asked != nil || interactive != nil {
            let interactive = interactive
            onProgress = { progress in
                // A call asked across several POSTs reports under the token of the one waiting now.
                guard let token = interactive.map({ $0.progressToken }) ?? asked else { return }
                var members: [String: Value] = ["progressToken": token, "progress": .double(progress.progress)]
                if let total = progress.total { members["total"] = .double(total) }
                if let message = progress.message { members["message"] = .string(message) }
                _ = emit(Self.notification("notifications/progress", params: .object(members)))
            }
        }
        let result: CallTool.Result
        do {
            // On an event stream the upstream server's requests are relayed to this client;
            // without one (or without the capability) they are refused saying why. In
            // 2026-07-28 they go inside an input_required result instead.
            let relay: any ServerRequestRelay
            if let interactive {
                relay = interactive
            } else {
                let downstream = MCPDownstreamRelay(session: session, emit: emit)
                relay = downstream
            }
            defer { (relay as? MCPDownstreamRelay)?.finish() }
            result = try await ServerRequestRelays.$current.withValue(relay) {
                try await api.measuredToolCall(server: target.server, tool: target.tool.name, arguments: arguments, onProgress: onProgress, check: {
                    try ToolInputValidator(schema: target.tool.inputSchema).validate(arguments, tool: name)
                })
            }
        } catch let error as ToolInputError {
            // Since 2025-11-25 bad arguments are a tool error, so a model can correct itself.
            result = CallTool.Result(content: [.text(text: error.description, annotations: nil, _meta: nil)], isError: true)
        }
        if let body = CallResultWriter.body(result) {
            var writer = JSONWriter()
            writer.head(id)
            var data = writer.data
            if modern, body.count > 2 {
                data.append(UInt8(ascii: "{"))
                data.append(contentsOf: Self.completeMember)
                data.append(UInt8(ascii: ","))
                data.append(body.dropFirst())
            } else {
                data.append(body)
            }
            data.append(UInt8(ascii: "}"))
            return data
        }
        return try JSONRPCCoding.response(id: id, result: result, adding: complete)
    }

    private func getPrompt(id: JSONRPCID, params: [String: Value]) async throws -> Data {
        let name = try Self.string(params, "name")
        var arguments: [String: String]?
        if case .object(let given)? = params["arguments"] {
            arguments = given.compactMapValues { if case .string(let text) = $0 { text } else { nil } }
        }
        let namespace = await catalog.promptNamespace()
        guard let target = namespace.resolve(name) else {
            let hint = namespace.closestNames(to: name).first.map { " (did you mean '\($0)'?)" } ?? ""
            throw JSONRPCErrorObject(code: JSONRPCErrorObject.invalidParams, message: "Unknown prompt: '\(name)'\(hint)")
        }
        return try JSONRPCCoding.response(id: id, result: try await api.manager.getPrompt(server: target.server, name: target.prompt.name, arguments: arguments), adding: complete)
    }

    // MARK: - Messages

    static func string(_ params: [String: Value], _ field: String) throws(JSONRPCErrorObject) -> String {
        guard case .string(let text)? = params[field] else {
            throw JSONRPCErrorObject(code: JSONRPCErrorObject.invalidParams, message: "Invalid params: '\(field)' must be a string")
        }
        return text
    }

    static func response(id: JSONRPCID, result: Value) -> Data {
        var writer = JSONWriter()
        writer.head(id)
        writer.value(result)
        writer.raw("}")
        return writer.data
    }

    static func notification(_ method: String, params: Value?) -> Data {
        var writer = JSONWriter()
        writer.raw(#"{"jsonrpc":"2.0","method":"#)
        writer.string(method)
        if let params {
            writer.raw(#","params":"#)
            writer.value(params)
        }
        writer.raw("}")
        return writer.data
    }

    /// Any failure as the JSON-RPC error a client shows: the upstream server's own error as it
    /// sent it, unknown names as invalid params, timeouts as -32001, the rest as internal errors
    /// whose message is the gateway's one line (which never carries a secret).
    static func errorObject(_ error: any Error) -> JSONRPCErrorObject {
        switch error {
        case let error as JSONRPCErrorObject:
            return error
        case let error as MCPClientError:
            if case .server(let code) = error.kind { return JSONRPCErrorObject(code: code, message: error.message) }
            if case .timedOut = error.kind { return JSONRPCErrorObject(code: -32001, message: FailureCategory.message(of: error)) }
        case let error as MCPManagerError:
            switch error {
            case .unknownServer, .unknownTool, .toolHidden:
                return JSONRPCErrorObject(code: JSONRPCErrorObject.invalidParams, message: FailureCategory.message(of: error))
            default: break
            }
        default:
            break
        }
        return JSONRPCErrorObject(code: JSONRPCErrorObject.internalError, message: FailureCategory.message(of: error))
    }
}
