import Foundation
import JSONRPC
import Logging
import MCP
import Locking

/// One MCP session of the built-in server, independent of any transport.
///
/// Transports hand it each inbound message as bytes and write whatever comes back. Cheap
/// requests are answered synchronously on the caller's thread (a stdio reader answers `echo`
/// with no hop at all); tool calls that may block run in tasks, so a slow `read_file` never
/// delays a `ping`, and `notifications/cancelled` can stop them. State sits under a `Locked`
/// rather than in an actor for the same reason: no suspension on the fast path.
public final class BuiltinMCPServer: Sendable {
    let catalog: ServerCatalog
    let requests = InFlightRequests()
    private let state = Locked(SessionState())
    private let logger: Logger

    private struct SessionState {
        var protocolVersion: String?
        var clientInitialized = false
        /// Settled by the first request (stdio: a connection serves one era), or fixed when made.
        var era: Era?
    }

    /// A session serving `configuration`; each client (HTTP session) gets its own.
    public convenience init(configuration: BuiltinServerConfiguration, logger: Logger = Logger(label: "lmg.mcp-server")) {
        self.init(catalog: ServerCatalog(configuration), logger: logger)
    }

    /// `era`: fixed from the start (the HTTP endpoint's one 2026-07-28 instance), or nil to let
    /// the first request settle it.
    init(catalog: ServerCatalog, era: Era? = nil, logger: Logger = Logger(label: "lmg.mcp-server")) {
        self.catalog = catalog
        self.logger = logger
        if let era { state.withLock { $0.era = era } }
    }

    /// Which era this session serves, once its first request settled it.
    public var era: Era? { state.withLock { $0.era } }

    /// What this session serves.
    public var configuration: BuiltinServerConfiguration { catalog.configuration }

    /// The revision agreed in `initialize`, nil before it.
    public var protocolVersion: String? { state.withLock { $0.protocolVersion } }

    /// Whether the client sent `notifications/initialized`.
    public var clientInitialized: Bool { state.withLock { $0.clientInitialized } }

    /// Requests still running in tasks.
    public var inFlightCount: Int { requests.count }

    /// Handles one message. `reply` is called exactly once: with the response bytes (one JSON
    /// object, no newline), or nil for notifications, responses and cancelled requests. It is
    /// called before this returns for every request that needs no task.
    public func handle(_ data: Data, reply: @escaping @Sendable (Data?) -> Void) {
        guard let head = RequestHead.read(data), let method = head.method else {
            reply(Self.answerNonRequest(data))
            return
        }
        guard let id = head.id else {
            receive(method, data)
            reply(nil)
            return
        }
        let outcome: Outcome
        switch settleEra(method: method, head: head) {
        case .handshake: outcome = respond(to: method, id: id, head: head, data, modern: false)
        case .modern: outcome = respondModern(to: method, id: id, head: head, data)
        }
        switch outcome {
        case .now(let response): reply(response)
        case .later(let work): requests.start(id, work: work, reply: reply)
        }
    }

    /// Handles one message and returns the response bytes (nil when there is none to send).
    public func handle(_ data: Data) async -> Data? {
        await withCheckedContinuation { continuation in
            handle(data) { continuation.resume(returning: $0) }
        }
    }

    /// Returns when every request running in a task has finished and replied.
    public func drain() async {
        await requests.drain()
    }

    /// Cancels every running request (their responses are dropped).
    public func cancelAll() {
        requests.cancelAll()
    }

    // MARK: - Dispatch

    /// A response now, or work whose response comes later.
    enum Outcome {
        case now(Data)
        case later(@Sendable () async -> Data)
    }

    /// The first request settles the era: the 2026-07-28 envelope in anything but `initialize`
    /// makes it modern; anything else, the handshake era.
    private func settleEra(method: String, head: RequestHead) -> Era {
        state.withLock { state in
            if let era = state.era { return era }
            let era: Era = method != Initialize.name && head.meta?.version != nil ? .modern : .handshake
            state.era = era
            return era
        }
    }

    /// `modern`: results carry 2026-07-28's `resultType` (and cache hints on lists and reads).
    func respond(to method: String, id: JSONRPCID, head: RequestHead, _ data: Data, modern: Bool) -> Outcome {
        if !modern, head.meta?.version != nil, method != Initialize.name {
            return .now(JSONRPCCoding.errorResponse(id: id, error: JSONRPCErrorObject(
                code: JSONRPCErrorObject.invalidRequest,
                message: "this connection speaks MCP \(protocolVersion ?? ProtocolVersions.latest) (it began with initialize); requests with the 2026-07-28 envelope are not accepted on it")))
        }
        let complete = modern ? ResultMembers.complete : []
        do {
            switch method {
            case CallTool.name:
                return try callTool(id: id, head.params, data, members: complete)
            case "ping":
                return .now(ResponseWriter.empty(id: id))
            case SetLoggingLevel.name:
                // Accepted and checked; this server sends no log notifications to filter.
                _ = try Self.params(SetLoggingLevel.Parameters.self, from: data, method)
                return .now(ResponseWriter.empty(id: id))
            case Initialize.name:
                let request = try Self.params(Initialize.Parameters.self, from: data, method)
                return .now(try JSONRPCCoding.response(id: id, result: initialize(request)))
            case ListTools.name:
                // The tools never change while the server runs; files and prompts may.
                return .now(try JSONRPCCoding.response(
                    id: id, result: ListTools.Result(tools: catalog.tools.map(\.definition)), adding: modern ? ResultMembers.lasting : []))
            case ListResources.name:
                return .now(try JSONRPCCoding.response(
                    id: id, result: ListResources.Result(resources: catalog.resources.resources), adding: modern ? ResultMembers.fresh : []))
            case ListResourceTemplates.name:
                return .now(try JSONRPCCoding.response(
                    id: id, result: ListResourceTemplates.Result(templates: catalog.resources.templates), adding: modern ? ResultMembers.lasting : []))
            case ReadResource.name:
                let uri = try Self.params(ReadResource.Parameters.self, from: data, method).uri
                let resources = catalog.resources
                let members = modern ? ResultMembers.fresh : []
                return .later { Self.encode(id, adding: members) { try resources.read(uri) } }
            case ListPrompts.name:
                return .now(try JSONRPCCoding.response(
                    id: id, result: ListPrompts.Result(prompts: catalog.prompts.prompts), adding: modern ? ResultMembers.fresh : []))
            case GetPrompt.name:
                let request = try Self.params(GetPrompt.Parameters.self, from: data, method)
                let prompts = catalog.prompts
                return .later { Self.encode(id, adding: complete) { try prompts.get(request.name, arguments: request.arguments ?? [:]) } }
            default:
                throw JSONRPCErrorObject(
                    code: JSONRPCErrorObject.methodNotFound, message: "method '\(method)' not found",
                    data: ["method": .string(method)])
            }
        } catch let error as JSONRPCErrorObject {
            return .now(JSONRPCCoding.errorResponse(id: id, error: error))
        } catch {
            return .now(Self.internalError(id, error))
        }
    }

    private struct ToolName: Decodable {
        let name: String
    }

    private func callTool(id: JSONRPCID, _ call: RequestHead.CallParams?, _ data: Data, members: [UInt8]) throws -> Outcome {
        guard let call, let name = call.name else {
            // The lenient head found no name: let typed decoding say exactly what is wrong.
            _ = try Self.params(ToolName.self, from: data, CallTool.name)
            throw JSONRPCErrorObject(code: JSONRPCErrorObject.invalidParams, message: "invalid params for tools/call: missing \"name\"")
        }
        guard let tool = catalog.toolsByName[name] else {
            let known = catalog.tools.map(\.name).joined(separator: ", ")
            throw JSONRPCErrorObject(
                code: JSONRPCErrorObject.invalidParams, message: "unknown tool '\(name)' (available: \(known))",
                data: ["tool": .string(name)])
        }
        switch tool.execution {
        case .inline(let run):
            guard !call.argumentsUnreadable else {
                return .now(ResponseWriter.callTool(
                    id: id, .failure("invalid arguments for '\(name)': the arguments must be a JSON object of strings"), members: members))
            }
            return .now(ResponseWriter.callTool(id: id, run(call.arguments ?? StringArguments()), members: members))
        case .task(let run):
            return .later { ResponseWriter.callTool(id: id, await run(data), members: members) }
        }
    }

    private func initialize(_ request: Initialize.Parameters) -> Initialize.Result {
        let version = ProtocolVersions.negotiate(request.protocolVersion)
        state.withLock { $0.protocolVersion = version }
        logger.debug("initialize", metadata: [
            "client": "\(request.clientInfo.name) \(request.clientInfo.version)",
            "requested": "\(request.protocolVersion)", "agreed": "\(version)",
        ])
        return Initialize.Result(
            protocolVersion: version, capabilities: catalog.capabilities,
            serverInfo: catalog.serverInfo, instructions: catalog.instructions)
    }

    private struct CancelledParams: Decodable {
        let requestId: JSONRPCID
    }

    private func receive(_ method: String, _ data: Data) {
        switch method {
        case "notifications/initialized":
            state.withLock { $0.clientInitialized = true }
        case "notifications/cancelled":
            guard let id = try? Self.params(CancelledParams.self, from: data, method).requestId else {
                logger.debug("notifications/cancelled without a usable requestId")
                return
            }
            let found = requests.cancel(id)
            logger.debug("cancel", metadata: ["id": "\(id)", "running": "\(found)"])
        default:
            // Unknown notifications are ignored, as JSON-RPC requires.
            break
        }
    }

    // MARK: - Encoding

    private struct ParamsBox<P: Decodable>: Decodable {
        var params: P?
    }

    /// Decodes `params` (absent decodes from `{}`); a mismatch is -32602 naming the method and member.
    static func params<P: Decodable>(_: P.Type, from data: Data, _ method: String) throws(JSONRPCErrorObject) -> P {
        do {
            if let params = try JSONRPCCoding.decode(ParamsBox<P>.self, from: data).params { return params }
            return try JSONRPCCoding.decode(P.self, from: Data("{}".utf8))
        } catch {
            throw JSONRPCErrorObject(
                code: JSONRPCErrorObject.invalidParams,
                message: "invalid params for \(method): \(DecodingErrorText.describe(error, subject: "params"))")
        }
    }

    /// The response for `body`'s result (with `members` added), or the error it threw.
    static func encode<R: Encodable>(_ id: JSONRPCID, adding members: [UInt8] = [], _ body: () throws -> R) -> Data {
        do {
            return try JSONRPCCoding.response(id: id, result: body(), adding: members)
        } catch let error as JSONRPCErrorObject {
            return JSONRPCCoding.errorResponse(id: id, error: error)
        } catch {
            return internalError(id, error)
        }
    }

    static func internalError(_ id: JSONRPCID?, _ error: any Error) -> Data {
        JSONRPCCoding.errorResponse(
            id: id, error: JSONRPCErrorObject(code: JSONRPCErrorObject.internalError, message: "internal error: \(error)"))
    }

    /// Nothing for a response (this server sends no requests, so none is awaited); an error
    /// response for bytes that are not a JSON-RPC message.
    static func answerNonRequest(_ data: Data) -> Data? {
        do {
            _ = try JSONRPCMessage(data)
            return nil
        } catch {
            return JSONRPCCoding.errorResponse(id: nil, error: unreadable(data, error))
        }
    }

    /// -32700 for bytes that are not JSON, -32600 for JSON that is not a JSON-RPC message.
    static func unreadable(_ data: Data, _ error: any Error) -> JSONRPCErrorObject {
        let isJSON = (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) != nil
        guard isJSON else {
            return JSONRPCErrorObject(code: JSONRPCErrorObject.parseError, message: "parse error: the message is not valid JSON")
        }
        if data.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }) == UInt8(ascii: "[") {
            return JSONRPCErrorObject(code: JSONRPCErrorObject.invalidRequest, message: "invalid request: JSON-RPC batches are not supported")
        }
        let reason = (error as? JSONRPCDecodingError)?.reason ?? "\(error)"
        return JSONRPCErrorObject(code: JSONRPCErrorObject.invalidRequest, message: "invalid request: \(reason)")
    }
}
