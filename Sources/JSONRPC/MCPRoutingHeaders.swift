import Foundation
import MCP

/// The 2026-07-28 rule that a POST's routing headers repeat its body: `MCP-Protocol-Version`
/// the envelope's revision, `Mcp-Method` the method, and `Mcp-Name` the tool or prompt name
/// or the resource URI. A proxy routes on the headers without reading the body, so a request
/// whose two halves disagree is refused (-32020). Here so that every server lmg runs (the
/// built-in one and the gateway's `/mcp`) checks it the same way.
public enum MCPRoutingHeaders {
    /// The params member `Mcp-Name` repeats, for the methods that carry one.
    public static func nameMember(of method: String) -> String? {
        switch method {
        case "tools/call", "prompts/get": "name"
        case "resources/read": "uri"
        default: nil
        }
    }

    /// What is wrong with the headers of a request for `method` with `params`, or nil when they
    /// agree; `header` looks a header up by its lowercased name.
    public static func mismatch(method: String, params: [String: Value], header: (String) -> String?) -> String? {
        guard let declared = header("mcp-method") else { return "the Mcp-Method header is missing" }
        guard declared == method else { return "Mcp-Method header value '\(declared.prefix(100))' does not match body value '\(method.prefix(100))'" }
        if case .object(let meta)? = params["_meta"], case .string(let version)? = meta["io.modelcontextprotocol/protocolVersion"],
           let stated = header("mcp-protocol-version"), stated != version {
            return "MCP-Protocol-Version header value '\(stated.prefix(40))' does not match body value '\(version.prefix(40))'"
        }
        // Without the member there is nothing to repeat: the method itself refuses the params.
        guard let key = nameMember(of: method), let member = params[key], member != .null else { return nil }
        guard let raw = header("mcp-name") else { return "the Mcp-Name header is missing" }
        guard let name = MCPHeaderValue.decode(raw) else { return "Mcp-Name header value '\(raw.prefix(100))' is not valid base64" }
        guard case .string(let body) = member, body == name else {
            return "Mcp-Name header value '\(name.prefix(100))' does not match body value '\((member.stringValue ?? "").prefix(100))'"
        }
        return nil
    }
}
