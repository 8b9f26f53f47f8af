/// The headers of the request a front end is answering (the gateway's HTTP request), for the
/// MCP requests made on its behalf: an HTTP server whose entry lists names in `forward_headers`
/// receives exactly those, so an upstream can tell its users apart behind one gateway.
///
/// A task-local value: it follows the caller's task into the manager, the client and the
/// transport (child tasks included) without a parameter on every call in between, and never
/// leaks into requests made for anyone else.
///
/// ```swift
/// try await ForwardedHeaders.$current.withValue(["x-user-id": "u-42"]) {
///     try await manager.callTool(server: "crm", tool: "lookup", arguments: [:])
/// }
/// ```
public enum ForwardedHeaders {
    /// Lowercased header name → value of the request being answered; empty outside one.
    @TaskLocal public static var current: [String: String] = [:]

    /// Headers lmg sets on its own MCP requests (or that framing owns): forwarding them would
    /// break the protocol, the session or the connection, so no entry may list them.
    public static let reserved: Set<String> = [
        "accept", "content-type", "content-length", "transfer-encoding", "connection", "host", "te", "upgrade",
        "keep-alive", "proxy-connection", "expect", "mcp-session-id", "mcp-protocol-version", "last-event-id",
        "mcp-method", "mcp-name",
    ]

    /// RFC 9110 token characters: what a header name may be made of.
    static func isTokenCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9": true
        case "!", "#", "$", "%", "&", "'", "*", "+", "-", ".", "^", "_", "`", "|", "~": true
        default: false
        }
    }

    /// The `(name, value)` pairs of `current` that `names` selects, in `names`' order; values with
    /// a line break or NUL (never valid in a field) are dropped rather than sent.
    static func selected(_ names: [String]) -> [(String, String)] {
        guard !names.isEmpty else { return [] }
        let current = current
        guard !current.isEmpty else { return [] }
        return names.compactMap { name in
            guard let value = current[name.lowercased()],
                  !value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" })
            else { return nil }
            return (name, value)
        }
    }
}
