import Foundation
import JSONRPC
import MCP
import MCPGateway

/// `/mcp`: every server of the manager as one Streamable HTTP MCP server (revisions 2026-07-28,
/// without sessions, in `GatewayAPI+MCPModern`; and 2025-11-25 down to 2024-11-05 here), for MCP
/// hosts that should see all of them as one.
///
/// POST carries one JSON-RPC message. Requests are answered `application/json`, except a
/// `tools/call` that can use an event stream (the client asked for progress, or declared
/// elicitation or sampling, which a server may ask it for), which is answered `text/event-stream`: progress,
/// then the response. Notifications and responses get 202. `initialize` opens a session
/// (`Mcp-Session-Id`); GET opens its stream of `list_changed` notifications; DELETE ends it.
/// Keys, roles and per-key limits are the REST routes': a key sees only its servers and tools.
extension GatewayAPI {
    static let mcpSessionHeader = "mcp-session-id"
    static let mcpVersionHeader = "mcp-protocol-version"
    /// Newest first; a client asking for anything else is offered the first.
    static let mcpProtocolVersions = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"]

    func mcpPost(_ request: APIRequest, _ caller: Caller) async -> APIResponse {
        if let type = request.headers["content-type"], !type.lowercased().hasPrefix("application/json") {
            return Self.mcpError(415, code: JSONRPCErrorObject.invalidRequest, "Unsupported Media Type: send application/json, not '\(type.prefix(100))'")
        }
        let accept = request.headers["accept"]?.lowercased() ?? "application/json"
        let wantsStream = accept.contains("text/event-stream"), wantsJSON = accept.contains("application/json") || accept.contains("*/*")
        guard wantsStream || wantsJSON else {
            return Self.mcpError(406, code: JSONRPCErrorObject.invalidRequest, "Not Acceptable: accept application/json and text/event-stream")
        }
        if request.body.first(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }) == UInt8(ascii: "[") {
            return Self.mcpError(400, code: JSONRPCErrorObject.invalidRequest, "Invalid Request: JSON-RPC batches are not supported; send one message per POST")
        }
        let message: JSONRPCMessage
        do {
            message = try JSONRPCMessage(request.body)
        } catch {
            return Self.mcpError(400, code: JSONRPCErrorObject.parseError, "Parse error: \(error)")
        }
        if Self.isModernMCP(request) {
            return await mcpModernPost(request, message, caller, wantsStream: wantsStream, wantsJSON: wantsJSON)
        }
        if case .request(let id, "initialize") = message.kind { return mcpInitialize(id: id, message, caller) }
        let session: MCPSession
        switch mcpSession(request, caller) {
        case .success(let found): session = found
        case .failure(let refusal): return refusal.response
        }
        switch message.kind {
        case .request(let id, let method):
            let params = Self.params(of: message)
            let methods = MCPMethods(api: self, session: session, caller: caller)
            // A stream costs more than JSON: only for progress, or for a client a server may ask
            // something of (roots alone are answered by lmg when there is no stream).
            let streams = wantsStream && method == "tools/call"
                && (Self.asksProgress(params) || !session.state.capabilities.isDisjoint(with: [.elicitation, .elicitationURL, .sampling]) || !wantsJSON)
            guard streams else {
                switch await session.run(id, { await methods.answer(method, id: id, params: params, emit: nil) }) {
                case .answered(let answer):
                    return APIResponse(status: 200, headers: ["Content-Type": "application/json"], body: answer)
                case .cancelled:
                    // A cancelled request gets no response: an event stream that ends empty.
                    return wantsStream ? APIResponse(status: 200, headers: ["Content-Type": "text/event-stream"]) : APIResponse(status: 204)
                case .duplicate:
                    return APIResponse(status: 200, headers: ["Content-Type": "application/json"], body: Self.idInUse(id))
                case .closed:
                    return Self.mcpError(404, code: -32001, "Session not found: the session ended")
                }
            }
            // The spec: a disconnection is not a cancellation, so the call runs on when the
            // client goes away (bounded by the tool's timeout); comment lines keep proxies from
            // closing a quiet stream.
            return Self.eventStream(cancelsOnDisconnect: false, keepAlive: Self.streamKeepAlive) { sink in
                let outcome = await session.run(id) {
                    await methods.answer(method, id: id, params: params, emit: { message in
                        if case .terminated = sink.yield(Self.event(message)) { return false }
                        return true
                    })
                }
                switch outcome {
                case .answered(let answer): sink.yield(Self.event(answer))
                case .duplicate: sink.yield(Self.event(Self.idInUse(id)))
                case .cancelled, .closed: break
                }
            }
        case .notification(let method):
            if method == "notifications/cancelled", let id = Self.id(Self.params(of: message)["requestId"]) {
                session.cancel(id)
            }
            return APIResponse(status: 202)
        case .response(let id), .errorResponse(let id?, _):
            _ = session.answer(message, id: id)
            return APIResponse(status: 202)
        case .errorResponse(nil, _):
            return APIResponse(status: 202)
        }
    }

    /// GET: the session's stream of server-initiated messages, with a comment line every
    /// `keepAlive` so proxies leave an idle stream open.
    func mcpStream(_ request: APIRequest, _ caller: Caller) -> APIResponse {
        if Self.isModernMCP(request) { return Self.postOnly }
        guard request.headers["accept"]?.lowercased().contains("text/event-stream") ?? false else {
            return Self.mcpError(406, code: JSONRPCErrorObject.invalidRequest, "Not Acceptable: GET /mcp answers text/event-stream only")
        }
        let session: MCPSession
        switch mcpSession(request, caller) {
        case .success(let found): session = found
        case .failure(let refusal): return refusal.response
        }
        mcpChanges.start(api: self)
        let (messages, drop) = session.openStream()
        return Self.eventStream(keepAlive: Self.streamKeepAlive, onCancel: drop) { sink in
            for await event in messages { sink.yield(event) }
        }
    }

    /// DELETE: ends the session; its calls are cancelled and its streams end.
    func mcpEnd(_ request: APIRequest, _ caller: Caller) -> APIResponse {
        if Self.isModernMCP(request) { return Self.postOnly }
        switch mcpSession(request, caller) {
        case .success(let session):
            mcpSessions.close(session.id)
            return APIResponse(status: 204)
        case .failure(let refusal):
            return refusal.response
        }
    }

    private func mcpInitialize(id: JSONRPCID, _ message: JSONRPCMessage, _ caller: Caller) -> APIResponse {
        let params = Self.params(of: message)
        guard case .string(let requested)? = params["protocolVersion"] else {
            let body = JSONRPCCoding.errorResponse(id: id, error: JSONRPCErrorObject(
                code: JSONRPCErrorObject.invalidParams, message: "Invalid params: 'protocolVersion' must be a string"))
            return APIResponse(status: 200, headers: ["Content-Type": "application/json"], body: body)
        }
        let version = Self.mcpProtocolVersions.contains(requested) ? requested : Self.mcpProtocolVersions[0]
        var clientInfo: [String: Value] = [:]
        if case .object(let info)? = params["clientInfo"] { clientInfo = info }
        var capabilities: [String: Value]?
        if case .object(let declared)? = params["capabilities"] { capabilities = declared }
        func text(_ value: Value?) -> String { if case .string(let text)? = value { String(text.prefix(200)) } else { "" } }
        guard let session = mcpSessions.open(MCPSessionState(
            protocolVersion: version, clientName: text(clientInfo["name"]), clientVersion: text(clientInfo["version"]),
            capabilities: DownstreamCapabilities(capabilities), keyName: caller.keyName))
        else {
            var busy = Self.mcpError(503, code: JSONRPCErrorObject.internalError,
                "Service Unavailable: \(mcpSessions.capacity) sessions are open and busy, or the gateway is stopping; end one (DELETE) or retry later")
            busy.headers["Retry-After"] = "5"
            return busy
        }
        mcpChanges.start(api: self)
        let result: Value = .object([
            "protocolVersion": .string(version),
            "capabilities": .object([
                "tools": .object(["listChanged": .bool(true)]),
                "resources": .object(["listChanged": .bool(true)]),
                "prompts": .object(["listChanged": .bool(true)]),
                "logging": .object([:]),
            ]),
            "serverInfo": .object(["name": .string("lmg"), "title": .string("lmg gateway"), "version": .string(MCPClientOptions.libraryVersion)]),
            "instructions": .string("Every MCP server of this lmg gateway as one: tools and prompts are named server__name."),
        ])
        return APIResponse(
            status: 200, headers: ["Content-Type": "application/json", "Mcp-Session-Id": session.id],
            body: MCPMethods.response(id: id, result: result))
    }

    /// GET and DELETE in 2026-07-28: there is no session to stream or end (`subscriptions/listen`
    /// is the stream).
    private static var postOnly: APIResponse {
        var response = mcpError(405, code: JSONRPCErrorObject.invalidRequest, "Method Not Allowed: in 2026-07-28 /mcp takes POST only (subscriptions/listen is the stream)")
        response.headers["Allow"] = "POST"
        return response
    }

    /// The error for a request whose id a running request of the session already has.
    private static func idInUse(_ id: JSONRPCID) -> Data {
        JSONRPCCoding.errorResponse(id: id, error: JSONRPCErrorObject(
            code: JSONRPCErrorObject.invalidRequest, message: "Invalid Request: id \(id) is in use by a request still running"))
    }

    /// The session the request names, or the refusal the spec prescribes: 400 without an id,
    /// 404 for one unknown, ended, expired or opened with another key; 400 for a revision
    /// header this endpoint does not speak.
    private func mcpSession(_ request: APIRequest, _ caller: Caller) -> Result<MCPSession, MCPRefusal> {
        if let version = request.headers[Self.mcpVersionHeader], !Self.mcpProtocolVersions.contains(version) {
            // -32022 with the versions: a client of another revision learns which to speak.
            let supported = Self.mcpModernVersions + Self.mcpProtocolVersions
            let error = JSONRPCErrorObject(
                code: JSONRPCErrorObject.unsupportedProtocolVersion,
                message: "Bad Request: unsupported MCP-Protocol-Version '\(version.prefix(40))' (supported: \(supported.joined(separator: ", ")))",
                data: .object(["supported": .array(supported.map { .string($0) }), "requested": .string(String(version.prefix(40)))]))
            let refusal = APIResponse(status: 400, headers: ["Content-Type": "application/json"], body: JSONRPCCoding.errorResponse(id: nil, error: error))
            return .failure(MCPRefusal(refusal))
        }
        guard let id = request.headers[Self.mcpSessionHeader] else {
            return .failure(MCPRefusal(Self.mcpError(400, code: JSONRPCErrorObject.invalidRequest, "Bad Request: missing Mcp-Session-Id header (send initialize first)")))
        }
        guard let session = mcpSessions.session(id, keyName: caller.keyName) else {
            return .failure(MCPRefusal(Self.mcpError(404, code: -32001, "Session not found: the Mcp-Session-Id is unknown, ended or expired (initialize again)")))
        }
        return .success(session)
    }
}

/// A refusal as a `Result` failure.
struct MCPRefusal: Error {
    let response: APIResponse
    init(_ response: APIResponse) { self.response = response }
}

