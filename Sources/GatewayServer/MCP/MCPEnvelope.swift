import Foundation
import JSONRPC
import MCP
import MCPGateway

/// What a 2026-07-28 request says of itself in `params._meta`: the revision, the client's
/// capabilities and name, and the log level it opts in to. There is no session: every request
/// carries this, so any replica can answer it.
struct MCPEnvelope: Sendable, Equatable {
    static let versionKey = "io.modelcontextprotocol/protocolVersion"
    static let capabilitiesKey = "io.modelcontextprotocol/clientCapabilities"
    static let clientInfoKey = "io.modelcontextprotocol/clientInfo"
    static let logLevelKey = "io.modelcontextprotocol/logLevel"

    var version: String
    var capabilities: DownstreamCapabilities
    var clientName = ""
    var clientVersion = ""
    /// The level the request opts in to; nil: no log messages for it.
    var logLevel: String?

    /// Reads the envelope by the spec's ladder, first failure wins: `_meta` must carry the
    /// revision and the capabilities (-32602); the routing headers must repeat the body
    /// (-32020); the revision must be one of `supported` (-32022, naming them, so a client of a
    /// later revision can retry at ours).
    init(_ params: [String: Value], method: String, headers: [String: String], supported: [String]) throws(JSONRPCErrorObject) {
        guard case .object(let meta)? = params["_meta"] else {
            throw JSONRPCErrorObject(code: JSONRPCErrorObject.invalidParams,
                message: "Invalid params: params._meta must be an object carrying '\(Self.versionKey)' and '\(Self.capabilitiesKey)' (this request's MCP-Protocol-Version is 2026-07-28)")
        }
        let missing = [Self.versionKey, Self.capabilitiesKey].filter { meta[$0] == nil }
        guard missing.isEmpty else {
            throw JSONRPCErrorObject(code: JSONRPCErrorObject.invalidParams, message: "Invalid params: params._meta is missing \(missing.map { "'\($0)'" }.joined(separator: " and "))")
        }
        if let mismatch = MCPRoutingHeaders.mismatch(method: method, params: params, header: { headers[$0] }) {
            throw JSONRPCErrorObject(code: JSONRPCErrorObject.headerMismatch, message: "Header mismatch: " + mismatch)
        }
        guard case .string(let version)? = meta[Self.versionKey] else {
            throw JSONRPCErrorObject(code: JSONRPCErrorObject.invalidParams, message: "Invalid params: '\(Self.versionKey)' must be a string")
        }
        guard supported.contains(version) else {
            throw JSONRPCErrorObject(
                code: JSONRPCErrorObject.unsupportedProtocolVersion, message: "Unsupported protocol version '\(version.prefix(40))' (supported: \(supported.joined(separator: ", ")))",
                data: .object(["supported": .array(supported.map { .string($0) }), "requested": .string(version)]))
        }
        guard case .object(let declared)? = meta[Self.capabilitiesKey] else {
            throw JSONRPCErrorObject(code: JSONRPCErrorObject.invalidParams, message: "Invalid params: '\(Self.capabilitiesKey)' must be an object ({} for none)")
        }
        self.version = version
        capabilities = DownstreamCapabilities(declared)
        if case .object(let info)? = meta[Self.clientInfoKey] {
            if case .string(let name)? = info["name"] { clientName = String(name.prefix(200)) }
            if case .string(let version)? = info["version"] { clientVersion = String(version.prefix(200)) }
        }
        switch meta[Self.logLevelKey] {
        case nil, .null?:
            logLevel = nil
        case .string(let level)? where MCPLogLevel.names.contains(level):
            logLevel = level
        default:
            throw JSONRPCErrorObject(code: JSONRPCErrorObject.invalidParams,
                message: "Invalid params: '\(Self.logLevelKey)' must be one of \(MCPLogLevel.names.joined(separator: ", "))")
        }
    }

    /// The request as a session of one, so the methods of the older revisions serve it.
    func state(keyName: String?) -> MCPSessionState {
        MCPSessionState(protocolVersion: version, clientName: clientName, clientVersion: clientVersion, capabilities: capabilities, keyName: keyName, logLevel: logLevel)
    }

    /// The HTTP status for a JSON-RPC error code, by the 2026-07-28 table: malformed, mismatched
    /// or unsupported requests 400, unknown methods 404, everything else (a tool's or a server's
    /// failure) 200 with the error in the body.
    static func status(of code: Int?) -> Int {
        switch code {
        case JSONRPCErrorObject.parseError?, JSONRPCErrorObject.invalidRequest?, JSONRPCErrorObject.invalidParams?,
             JSONRPCErrorObject.headerMismatch?, JSONRPCErrorObject.missingClientCapability?, JSONRPCErrorObject.unsupportedProtocolVersion?:
            400
        case JSONRPCErrorObject.methodNotFound?: 404
        default: 200
        }
    }
}

extension MCPMethods {
    /// 2026-07-28: the parameters a tool's schema marks `x-mcp-header` come as `Mcp-Param-*`
    /// headers too, and must repeat the arguments (-32020), so that what a proxy routed on is
    /// what runs. A schema whose annotations break the rules holds nothing (clients drop it).
    static func checkParamHeaders(_ headers: [String: String], tool: Tool, arguments: [String: Value]) throws(JSONRPCErrorObject) {
        guard let declared = try? ToolHeaderParameters.read(tool.inputSchema), !declared.parameters.isEmpty else { return }
        let expected = declared.headers(for: arguments)
        func mismatch(_ text: String) -> JSONRPCErrorObject {
            JSONRPCErrorObject(code: JSONRPCErrorObject.headerMismatch, message: "Header mismatch: " + text)
        }
        for (name, value) in expected {
            guard let sent = headers[name.lowercased()] else { throw mismatch("the \(name) header is missing") }
            guard MCPHeaderValue.decode(sent) == MCPHeaderValue.decode(value) else {
                throw mismatch("\(name) header value '\(sent.prefix(100))' does not match the argument '\((MCPHeaderValue.decode(value) ?? value).prefix(100))'")
            }
        }
        let sentNames = Set(expected.map { $0.0.lowercased() })
        for parameter in declared.parameters where headers["mcp-param-" + parameter.header.lowercased()] != nil && !sentNames.contains("mcp-param-" + parameter.header.lowercased()) {
            throw mismatch("Mcp-Param-\(parameter.header) is sent but the call has no '\(parameter.path.joined(separator: "."))' argument")
        }
    }
}
