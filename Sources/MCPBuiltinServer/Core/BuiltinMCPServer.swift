import Foundation
import JSONRPC
import Logging
import MCP
import Synchronization

/// One MCP session of the built-in server, independent of any transport.
///
/// Transports hand it each inbound message as bytes and write whatever comes back. Cheap
/// requests are answered synchronously on the caller's thread (a stdio reader answers `echo`
/// with no hop at all); tool calls that may block run in tasks, so a slow `read_file` never
/// delays a `ping`, and `notifications/cancelled` can stop them. State sits under a `Mutex`
/// rather than in an actor for the same reason: no suspension on the fast path.
public final class BuiltinMCPServer: Sendable {
    let catalog: ServerCatalog
    let requests = InFlightRequests()
    private let state = Mutex(SessionState())
    private let logger: Logger

    private struct SessionState {
        var protocolVersion: String?
        var clientInitialized = false
    }

    /// A session serving `configuration`; each client (HTTP session) gets its own.
    public convenience init(configuration: BuiltinServerConfiguration, logger: Logger = Logger(label: "lmg.mcp-server")) {
        self.init(catalog: ServerCatalog(configuration), logger: logger)
    }

    init(catalog: ServerCatalog, logger: Logger = Logger(label: "lmg.mcp-server")) {
        self.catalog = catalog
        self.logger = logger
    }

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
        let message: JSONRPCMessage
        do {
            message = try JSONRPCMessage(data)
        } catch {
            reply(JSONRPCCoding.errorResponse(id: nil, error: Self.unreadable(data, error)))
            return
        }
        switch message.kind {
        case .request(let id, let method):
            switch respond(to: method, id: id, message) {
            case .now(let response): reply(response)
            case .later(let work): requests.start(id, work: work, reply: reply)
            }
        case .notification(let method):
            receive(method, message)
            reply(nil)
        case .response, .errorResponse:
            // This server sends no requests, so nothing waits for an answer.
            reply(nil)
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

    func respond(to method: String, id: JSONRPCID, _ message: JSONRPCMessage) -> Outcome {
        do {
            switch method {
            case CallTool.name:
                return try callTool(id: id, message)
            case "ping", SetLoggingLevel.name:
                if method == SetLoggingLevel.name { _ = try params(SetLoggingLevel.Parameters.self, of: message, method) }
                return .now(try JSONRPCCoding.response(id: id, result: EmptyResult()))
            case Initialize.name:
                return .now(try JSONRPCCoding.response(id: id, result: initialize(try params(Initialize.Parameters.self, of: message, method))))
            case ListTools.name:
                return .now(try JSONRPCCoding.response(id: id, result: ListTools.Result(tools: catalog.tools.map(\.definition))))
            case ListResources.name:
                return .now(try JSONRPCCoding.response(id: id, result: ListResources.Result(resources: catalog.resources.resources)))
            case ListResourceTemplates.name:
                return .now(try JSONRPCCoding.response(id: id, result: ListResourceTemplates.Result(templates: catalog.resources.templates)))
            case ReadResource.name:
                let uri = try params(ReadResource.Parameters.self, of: message, method).uri
                let resources = catalog.resources
                return .later { Self.encode(id) { try resources.read(uri) } }
            case ListPrompts.name:
                return .now(try JSONRPCCoding.response(id: id, result: ListPrompts.Result(prompts: catalog.prompts.prompts)))
            case GetPrompt.name:
                let request = try params(GetPrompt.Parameters.self, of: message, method)
                let prompts = catalog.prompts
                return .later { Self.encode(id) { try prompts.get(request.name, arguments: request.arguments ?? [:]) } }
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

    private func callTool(id: JSONRPCID, _ message: JSONRPCMessage) throws -> Outcome {
        let name = try params(ToolName.self, of: message, CallTool.name).name
        guard let tool = catalog.toolsByName[name] else {
            let known = catalog.tools.map(\.name).joined(separator: ", ")
            throw JSONRPCErrorObject(
                code: JSONRPCErrorObject.invalidParams, message: "unknown tool '\(name)' (available: \(known))",
                data: ["tool": .string(name)])
        }
        switch tool.execution {
        case .inline(let run):
            return .now(try JSONRPCCoding.response(id: id, result: run(message)))
        case .task(let run):
            return .later {
                let result = await run(message)
                return Self.encode(id) { result }
            }
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

    private func receive(_ method: String, _ message: JSONRPCMessage) {
        switch method {
        case "notifications/initialized":
            state.withLock { $0.clientInitialized = true }
        case "notifications/cancelled":
            guard let id = try? message.params(as: CancelledParams.self).requestId else {
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

    private struct EmptyResult: Encodable {}

    /// Decodes `params`, turning a mismatch into -32602 that names the method and the member.
    private func params<P: Decodable>(_: P.Type, of message: JSONRPCMessage, _ method: String) throws(JSONRPCErrorObject) -> P {
        do {
            return try message.params(as: P.self)
        } catch {
            let reason = (error as? JSONRPCDecodingError)?.reason ?? "\(error)"
            let trimmed = reason.hasPrefix("invalid params: ") ? String(reason.dropFirst(16)) : reason
            throw JSONRPCErrorObject(code: JSONRPCErrorObject.invalidParams, message: "invalid params for \(method): \(trimmed)")
        }
    }

    /// The response for `body`'s result, or the error it threw.
    static func encode<R: Encodable>(_ id: JSONRPCID, _ body: () throws -> R) -> Data {
        do {
            return try JSONRPCCoding.response(id: id, result: body())
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
