import Foundation
import JSONRPC
import MCP

/// The Streamable HTTP rules of MCP 2025-11-25 and 2026-07-28 for one endpoint, with no server
/// framework.
///
/// POST carries one JSON-RPC message: a request is answered `200 application/json`,
/// notifications and responses `202`. `initialize` opens a session named by `Mcp-Session-Id`;
/// later messages must carry it (400 without, 404 once unknown or ended); DELETE ends it. A POST
/// whose `MCP-Protocol-Version` is 2026-07-28 needs no session: its headers must match its body.
/// GET is 405: this server never pushes messages on its own. Requests from a browser page on
/// another origin are refused (403), against DNS rebinding. The framework adapter only moves
/// bytes, so all of this is tested without a socket.
public final class StreamableHTTPEndpoint: Sendable {
    /// The only path served.
    public static let path = "/mcp"
    /// Names the session `initialize` opened (lowercased, as `MCPHTTPRequest` stores headers).
    public static let sessionHeader = "mcp-session-id"
    /// The revision a client speaks after `initialize`; unsupported values are refused.
    public static let protocolVersionHeader = "mcp-protocol-version"

    /// Bodies above this are refused with 413 before being read in full.
    public let maxBodyBytes: Int
    let catalog: ServerCatalog
    let sessions: HTTPSessionStore

    /// An endpoint serving `configuration`, keeping at most `maxSessions` sessions.
    public init(configuration: BuiltinServerConfiguration, maxBodyBytes: Int = 4 << 20, maxSessions: Int = 1024) {
        self.catalog = ServerCatalog(configuration)
        self.maxBodyBytes = maxBodyBytes
        self.sessions = HTTPSessionStore(capacity: maxSessions)
    }

    /// Open sessions, for tests and diagnostics.
    public var sessionCount: Int { sessions.count }

    /// Answers one request in full.
    public func respond(to request: MCPHTTPRequest) async -> MCPHTTPResponse {
        if let refusal = precheck(request) { return refusal }
        if request.body.count > maxBodyBytes { return bodyTooLarge() }
        switch request.method {
        case "DELETE": return endSession(request)
        default: return await post(request)
        }
    }

    /// The answer a request gets from its head alone (bad origin, method, version, size), or nil
    /// when its body should be read. Adapters call this before collecting the body.
    public func precheck(_ request: MCPHTTPRequest) -> MCPHTTPResponse? {
        if let origin = request[header: "origin"], !Self.isAllowedOrigin(origin) {
            return Self.error(403, code: -32000, "Forbidden: origin '\(origin)' is not allowed (only localhost origins are)")
        }
        switch request.method {
        case "POST", "DELETE": break
        default:
            // GET included: there is no server-initiated stream to open.
            return MCPHTTPResponse(status: 405, headers: ["allow": "POST, DELETE"])
        }
        if let version = request[header: Self.protocolVersionHeader], !ProtocolVersions.isSupported(version) {
            // -32022 with the versions: a client of a later revision learns to retry at ours.
            return MCPHTTPResponse(
                status: 400, headers: ["content-type": "application/json"],
                body: JSONRPCCoding.errorResponse(id: nil, error: JSONRPCErrorObject(
                    code: -32022, message: "Unsupported protocol version '\(version)' (supported: \(ProtocolVersions.supported.joined(separator: ", ")))",
                    data: ["supported": .array(ProtocolVersions.supported.map { .string($0) }), "requested": .string(version)])))
        }
        if let length = request[header: "content-length"].flatMap({ Int($0) }), length > maxBodyBytes {
            return bodyTooLarge()
        }
        guard request.method == "POST" else { return nil }
        if let accept = request[header: "accept"], !Self.acceptsJSON(accept) {
            return Self.error(406, code: -32600, "Not Acceptable: this server answers application/json")
        }
        if let type = request[header: "content-type"], !type.lowercased().hasPrefix("application/json") {
            return Self.error(415, code: -32600, "Unsupported Media Type: send application/json, not '\(type)'")
        }
        return nil
    }

    /// 413, for adapters that stop reading a body at `maxBodyBytes`.
    public func bodyTooLarge() -> MCPHTTPResponse {
        Self.error(413, code: -32600, "Payload Too Large: a message may be at most \(maxBodyBytes) bytes")
    }

    private func post(_ request: MCPHTTPRequest) async -> MCPHTTPResponse {
        let message: JSONRPCMessage
        do {
            message = try JSONRPCMessage(request.body)
        } catch {
            let body = JSONRPCCoding.errorResponse(id: nil, error: BuiltinMCPServer.unreadable(request.body, error))
            return MCPHTTPResponse(status: 400, headers: ["content-type": "application/json"], body: body)
        }
        if let version = request[header: Self.protocolVersionHeader], ProtocolVersions.modern.contains(version) {
            return await statelessPost(request, message)
        }
        if case .request(_, "initialize") = message.kind {
            return await initialize(request.body)
        }
        guard let id = request[header: Self.sessionHeader] else {
            return Self.error(400, code: -32000, "Bad Request: missing Mcp-Session-Id header (send initialize first)")
        }
        guard let session = sessions.session(id) else {
            return Self.error(404, code: -32001, "Session not found: '\(id)' is unknown or ended (initialize again)")
        }
        let response = await session.handle(request.body)
        if case .request = message.kind {
            guard let response else {
                // Cancelled by notifications/cancelled: the spec wants no JSON-RPC response.
                return MCPHTTPResponse(status: 204)
            }
            return MCPHTTPResponse(status: 200, headers: ["content-type": "application/json"], body: response)
        }
        return MCPHTTPResponse(status: 202)
    }

    /// A 2026-07-28 POST: the headers must agree with the body (-32020 otherwise), and a
    /// refused request's status says why (404 for an unknown method, 400 for the rest).
    private func statelessPost(_ request: MCPHTTPRequest, _ message: JSONRPCMessage) async -> MCPHTTPResponse {
        guard case .request(let id, let method) = message.kind else {
            // Notifications need nothing from a server without sessions or running streams.
            return MCPHTTPResponse(status: 202)
        }
        if let mismatch = Self.headerMismatch(request, method: method, message) {
            let body = JSONRPCCoding.errorResponse(id: id, error: JSONRPCErrorObject(code: -32020, message: "Header mismatch: " + mismatch))
            return MCPHTTPResponse(status: 400, headers: ["content-type": "application/json"], body: body)
        }
        // Each 2026-07-28 request stands alone: its own core, so two clients' equal ids never meet.
        let response = await BuiltinMCPServer(catalog: catalog, era: .modern).handle(request.body) ?? Data()
        var status = 200
        if let answer = try? JSONRPCMessage(response), case .errorResponse(_, let error) = answer.kind {
            status = error.code == JSONRPCErrorObject.methodNotFound ? 404 : 400
        }
        return MCPHTTPResponse(status: status, headers: ["content-type": "application/json"], body: response)
    }

    /// What is wrong with a 2026-07-28 request's `Mcp-Method`, `Mcp-Name` or
    /// `MCP-Protocol-Version` against its body, or nil when they agree.
    static func headerMismatch(_ request: MCPHTTPRequest, method: String, _ message: JSONRPCMessage) -> String? {
        let params: [String: Value]
        if case .object(let object)? = message.paramsValue { params = object } else { params = [:] }
        return MCPRoutingHeaders.mismatch(method: method, params: params) { request[header: $0] }
    }

    private func initialize(_ body: Data) async -> MCPHTTPResponse {
        let session = BuiltinMCPServer(catalog: catalog)
        let response = await session.handle(body) ?? Data()
        var headers = ["content-type": "application/json"]
        // Only a successful initialize opens a session.
        if session.protocolVersion != nil {
            headers["mcp-session-id"] = sessions.add(session)
        }
        return MCPHTTPResponse(status: 200, headers: headers, body: response)
    }

    private func endSession(_ request: MCPHTTPRequest) -> MCPHTTPResponse {
        guard let id = request[header: Self.sessionHeader] else {
            return Self.error(400, code: -32000, "Bad Request: missing Mcp-Session-Id header")
        }
        guard sessions.remove(id) else {
            return Self.error(404, code: -32001, "Session not found: '\(id)' is unknown or ended")
        }
        return MCPHTTPResponse(status: 204)
    }

    /// True for `http(s)://localhost`, `127.0.0.1` and `[::1]`, any port.
    public static func isAllowedOrigin(_ origin: String) -> Bool {
        guard let components = URLComponents(string: origin),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host?.lowercased()
        else { return false }
        return ["localhost", "127.0.0.1", "::1", "[::1]"].contains(host)
    }

    /// Whether an Accept header admits JSON. Byte-wise: it runs on every POST, and Foundation's
    /// trimming cost more than answering an `echo`.
    static func acceptsJSON(_ accept: String) -> Bool {
        let isBlank = { (byte: UInt8) in byte == 0x20 || byte == 0x09 }
        for item in accept.utf8.split(separator: UInt8(ascii: ",")) {
            var media = item.prefix { $0 != UInt8(ascii: ";") }
            while let first = media.first, isBlank(first) { media = media.dropFirst() }
            while let last = media.last, isBlank(last) { media = media.dropLast() }
            let lowered = media.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
            for accepted in ["application/json", "application/*", "*/*"] where lowered.elementsEqual(accepted.utf8) {
                return true
            }
        }
        return false
    }

    /// An HTTP error with a JSON-RPC error body (id null), which MCP clients know how to show.
    static func error(_ status: Int, code: Int, _ message: String) -> MCPHTTPResponse {
        MCPHTTPResponse(
            status: status, headers: ["content-type": "application/json"],
            body: JSONRPCCoding.errorResponse(id: nil, error: JSONRPCErrorObject(code: code, message: message)))
    }
}
