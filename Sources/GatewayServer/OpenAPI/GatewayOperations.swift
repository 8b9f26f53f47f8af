import GatewayRuntime
import MCP

/// One operation of the gateway's own routes as the OpenAPI document describes it: what it
/// takes, what it answers, and every error status it can answer.
struct GatewayOperation: Sendable {
    let method: String
    let path: String
    let operationId: String
    let summary: String
    let tag: String
    /// Who may call it: nil for the probes, which need no key.
    var role: APIKey.Role? = .user
    /// The request body's component schema, if it takes one.
    var body: String?
    var bodyRequired = true
    var query: [(name: String, description: String)] = []
    var pathParameters: [(name: String, description: String)] = []
    var success: (status: Int, description: String, schema: String?) = (200, "OK", nil)
    /// Errors it can answer whatever the configuration (401, 429 and the keys' 403s are added
    /// from it).
    var errors: [Int] = []
    /// Names a server, so a key limited to other servers is refused with 403.
    var serverScoped = false

    /// Every `/mcp/*` route and the probes, in the order the docs show them.
    static let all: [GatewayOperation] = [
        GatewayOperation(method: "get", path: "/healthz", operationId: "healthz", summary: "Whether the process is alive", tag: "operations",
                         role: nil, success: (200, "Alive", "Health")),
        GatewayOperation(method: "get", path: "/readyz", operationId: "readyz", summary: "Whether the configuration is loaded and the store answers, with servers by state", tag: "operations",
                         role: nil, success: (200, "Ready", "Ready")),
        GatewayOperation(method: "get", path: "/mcp/servers", operationId: "listServers", summary: "The configured servers (never a secret)", tag: "servers",
                         success: (200, "The config file's servers and those added over HTTP", "ServerConfigList")),
        GatewayOperation(method: "post", path: "/mcp/servers", operationId: "addServer", summary: "Add a server (admin)", tag: "servers",
                         role: .admin, body: "ServerEntry", success: (201, "Added; its status once its first connect attempt ended", "ServerStatus"),
                         errors: [400, 403, 409]),
        GatewayOperation(method: "get", path: "/mcp/servers/status", operationId: "serverStatus", summary: "Every server's status", tag: "servers",
                         success: (200, "What `lmg servers --json` shows", "ServerStatusList")),
        GatewayOperation(method: "put", path: "/mcp/servers/{name}", operationId: "replaceServer", summary: "Replace a server added over HTTP (admin)", tag: "servers",
                         role: .admin, body: "ServerReplacement", pathParameters: [("name", "The server's name")],
                         success: (200, "Replaced; its status", "ServerStatus"), errors: [400, 403, 404, 409]),
        GatewayOperation(method: "delete", path: "/mcp/servers/{name}", operationId: "removeServer", summary: "Remove a server added over HTTP (admin)", tag: "servers",
                         role: .admin, pathParameters: [("name", "The server's name")], success: (204, "Removed", nil), errors: [404, 409]),
        GatewayOperation(method: "get", path: "/mcp/tools", operationId: "listTools", summary: "Every tool the key may call", tag: "mcp",
                         query: [("server_name", "Only this server's tools")], success: (200, "The tools", "ToolList"),
                         errors: [404], serverScoped: true),
        GatewayOperation(method: "post", path: "/mcp/tools/call", operationId: "callTool", summary: "Call a tool by server and name", tag: "mcp",
                         body: "CallToolRequest", success: (200, "The CallToolResult; a tool that failed is still a 200 with isError", "CallToolResult"),
                         errors: [400, 404, 422, 502, 503, 504], serverScoped: true),
        GatewayOperation(method: "get", path: "/mcp/resources", operationId: "listResources", summary: "Every resource and resource template", tag: "mcp",
                         query: [("server_name", "Only this server's resources")], success: (200, "Resources; a server that failed to list is named in errors", "ResourceList"),
                         errors: [404], serverScoped: true),
        GatewayOperation(method: "post", path: "/mcp/resources/read", operationId: "readResource", summary: "Read a resource", tag: "mcp",
                         body: "ReadResourceRequest", success: (200, "The ReadResourceResult", "ReadResourceResult"),
                         errors: [400, 404, 502, 503, 504], serverScoped: true),
        GatewayOperation(method: "get", path: "/mcp/prompts", operationId: "listPrompts", summary: "Every prompt", tag: "mcp",
                         query: [("server_name", "Only this server's prompts")], success: (200, "Prompts; a server that failed to list is named in errors", "PromptList"),
                         errors: [404], serverScoped: true),
        GatewayOperation(method: "post", path: "/mcp/prompts/get", operationId: "getPrompt", summary: "Get a prompt with its arguments", tag: "mcp",
                         body: "GetPromptRequest", success: (200, "The GetPromptResult", "GetPromptResult"),
                         errors: [400, 404, 502, 503, 504], serverScoped: true),
        GatewayOperation(method: "post", path: "/mcp/oauth/refresh", operationId: "refreshTokens", summary: "Renew OAuth2 tokens (admin); answers expiry times, never a token", tag: "servers",
                         role: .admin, body: "RefreshRequest", bodyRequired: false, success: (200, "Each server with a token", "RefreshResult"),
                         errors: [400, 404], serverScoped: true),
        GatewayOperation(method: "get", path: "/openapi.json", operationId: "openapi", summary: "This document, for the key's tools", tag: "operations",
                         success: (200, "The OpenAPI 3.1 document", "OpenAPIDocument")),
        GatewayOperation(method: "get", path: "/docs", operationId: "docs", summary: "This document as an HTML page", tag: "operations",
                         success: (200, "A self-contained HTML page", nil)),
    ]
}
