import MCP
import MCPGateway

/// The schemas of the gateway's own bodies, as `components/schemas`: what each route takes and
/// answers, written from the types it encodes (optional fields are left out, never null).
enum OpenAPISchemas {
    static func ref(_ name: String) -> Value { ["$ref": .string("#/components/schemas/\(name)")] }

    static func object(_ properties: [String: Value], required: [String] = [], description: String? = nil) -> Value {
        var schema: [String: Value] = ["type": "object", "properties": .object(properties)]
        if !required.isEmpty { schema["required"] = .array(required.map(Value.string)) }
        if let description { schema["description"] = .string(description) }
        return .object(schema)
    }

    static func array(_ items: Value) -> Value { ["type": "array", "items": items] }
    static func list(_ key: String, of item: String) -> Value { object([key: array(ref(item))], required: [key]) }

    static let string: Value = ["type": "string"]
    static let integer: Value = ["type": "integer"]
    static let number: Value = ["type": "number"]
    static let boolean: Value = ["type": "boolean"]
    static let anyObject: Value = ["type": "object"]
    static let strings: Value = array(string)

    static let all: [String: Value] = [
        "Error": object([
            "error": object(["code": string, "message": string], required: ["code", "message"]),
        ], required: ["error"], description: "Every failure: a stable code for programs and one line for people."),
        "Health": object(["status": string], required: ["status"]),
        "Ready": object([
            "status": ["type": "string", "enum": ["ready", "not_ready"]],
            "servers": ["type": "object", "additionalProperties": integer, "description": "How many servers are in each state."],
            "store": ["type": "string", "description": "\"available\", or \"unavailable: \" and why (a shared PostgreSQL store that is down)."],
        ], required: ["status", "servers", "store"]),
        "ServerStatus": object([
            "name": string, "transport": string, "endpoint": string,
            "state": ["type": "string", "enum": ["connecting", "ready", "degraded", "failed", "disabled", "closed"]],
            "protocolVersion": string, "era": ["type": "string", "enum": ["modern", "legacy"]], "serverName": string, "serverVersion": string, "tools": integer, "error": string,
            "lastLatencyMs": number, "p50LatencyMs": number, "consecutiveFailures": integer, "circuit": string,
            "tokenExpiresAt": ["type": "string", "format": "date-time"],
        ], required: ["name", "transport", "state", "endpoint", "consecutiveFailures", "circuit"]),
        "ServerStatusList": list("servers", of: "ServerStatus"),
        "ServerConfig": object([
            "name": string, "type": string, "command": string, "args": strings, "env": strings, "cwd": string, "url": string,
            "headers": ["type": "object", "additionalProperties": string], "oauth2_token_url": string, "oauth2_client_id": string,
            "oauth2_scopes": strings, "has_oauth2_client_secret": boolean, "has_oauth2_token": boolean, "timeout": number,
            "tool_timeout": number, "enabled": boolean, "allowed_tools": strings, "disabled_tools": strings, "forward_headers": strings,
            "resources": boolean, "protocol_version": string, "roots": strings,
        ], required: ["name", "type", "has_oauth2_client_secret", "has_oauth2_token", "timeout", "enabled"],
           description: "A server's configuration; never a secret (header values that are credentials show as <redacted>)."),
        "ServerConfigList": list("servers", of: "ServerConfig"),
        "ServerEntry": serverEntry(named: true),
        "ServerReplacement": serverEntry(named: false),
        "Tool": object([
            "server": string, "name": string, "qualified_name": string, "title": string, "description": string,
            "inputSchema": [:], "outputSchema": [:], "annotations": anyObject,
        ], required: ["server", "name", "qualified_name", "inputSchema"]),
        "ToolList": list("tools", of: "Tool"),
        "CallToolRequest": object([
            "server_name": string, "tool_name": string, "arguments": ["type": ["object", "null"]],
        ], required: ["server_name", "tool_name"]),
        "ContentBlock": object([
            "type": ["type": "string", "description": "text, image, audio, resource or resource_link"],
            "text": string, "data": string, "mimeType": string, "uri": string, "name": string, "resource": anyObject,
        ], required: ["type"]),
        "CallToolResult": object([
            "content": array(ref("ContentBlock")),
            "structuredContent": ["description": "The tool's structured result (its outputSchema, when it has one)."],
            "isError": ["type": "boolean", "description": "true when the tool ran and failed: still a 200."],
            "_meta": anyObject,
        ], required: ["content"]),
        "ListingError": object(["server": string, "message": string], required: ["server", "message"]),
        "Resource": object([
            "server": string, "uri": string, "uriTemplate": string, "name": string, "description": string, "mimeType": string,
        ], required: ["server", "name"]),
        "ResourceList": object([
            "resources": array(ref("Resource")), "resource_templates": array(ref("Resource")), "errors": array(ref("ListingError")),
        ], required: ["resources", "resource_templates", "errors"]),
        "ReadResourceRequest": object(["server_name": string, "uri": string], required: ["server_name", "uri"]),
        "ReadResourceResult": object([
            "contents": array(object(["uri": string, "mimeType": string, "text": string, "blob": string], required: ["uri"])),
            "_meta": anyObject,
        ], required: ["contents"]),
        "Prompt": object([
            "server": string, "name": string, "qualified_name": string, "description": string,
            "arguments": array(object(["name": string, "title": string, "description": string, "required": boolean], required: ["name"])),
        ], required: ["server", "name", "qualified_name"]),
        "PromptList": object(["prompts": array(ref("Prompt")), "errors": array(ref("ListingError"))], required: ["prompts", "errors"]),
        "GetPromptRequest": object([
            "server_name": string, "prompt_name": string, "arguments": ["type": ["object", "null"], "additionalProperties": string],
        ], required: ["server_name", "prompt_name"]),
        "GetPromptResult": object([
            "description": string, "messages": array(object(["role": string, "content": anyObject], required: ["role", "content"])),
            "_meta": anyObject,
        ], required: ["messages"]),
        "RefreshRequest": object(["server_name": ["type": ["string", "null"], "description": "Only this server; absent or null: every server."]]),
        "RefreshResult": object([
            "servers": array(object([
                "server": string, "token_expires_at": ["type": "string", "format": "date-time"], "error": string,
            ], required: ["server"])),
        ], required: ["servers"]),
        "OpenAPIDocument": object(["openapi": string, "info": anyObject, "paths": anyObject], required: ["openapi", "info", "paths"]),
    ]

    /// A server entry: a stdio `command`, an http(s) `url` or a ws(s) `url` (with a host), the config file's
    /// other keys beside it. Seconds are positive. `named`: the body names it (POST); else the
    /// path does (PUT), and a `name` in the body must be the same.
    static func serverEntry(named: Bool) -> Value {
        let seconds: Value = ["type": "number", "exclusiveMinimum": 0, "maximum": .double(Duration.maxConfigSeconds)]
        let httpURL: Value = ["type": "string", "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[!-~]*)?$"]
        let wsURL: Value = ["type": "string", "pattern": "^[Ww][Ss][Ss]?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[!-~]*)?$"]
        let command: Value = ["type": "string", "minLength": 1]
        // HTTP only; names lmg sets itself (Accept, Content-Type, Mcp-Session-Id, …) are refused too.
        let headerNames: Value = [
            "type": "array", "description": "Request headers copied to this HTTP server (forward_headers).",
            "items": ["type": "string", "pattern": "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$", "not": ["anyOf": [
                ["enum": .array(ForwardedHeaders.reserved.sorted().map { .string($0) })],
                ["pattern": "^[Mm][Cc][Pp]-[Pp][Aa][Rr][Aa][Mm]-"],
            ]]],
        ]
        var entry: Value = [
            "type": "object",
            "description": .string(named ? "A server entry with the config file's keys." : "A server entry with the config file's keys; its name is the path's."),
            "properties": [
                "name": ["type": "string", "pattern": "^[A-Za-z0-9._-]+$", "not": ["enum": ["status", ".", ".."]]],
                "type": ["type": "string", "enum": ["stdio", "http", "sse", "ws"]],
                "command": command, "url": ["anyOf": [httpURL, wsURL]], "args": strings, "cwd": string,
                "env": ["type": "object", "additionalProperties": string],
                "headers": [
                    "description": "[{\"key\", \"value\"}] or an object of strings",
                    "anyOf": [
                        array(object(["key": string, "value": string], required: ["key", "value"])),
                        ["type": "object", "additionalProperties": string],
                    ],
                ],
                "oauth2_token_url": string, "oauth2_client_id": string, "oauth2_client_secret": string, "oauth2_scopes": strings,
                "oauth2_client_metadata_url": ["type": "string", "pattern": "^https://[a-z0-9.-]+(:[0-9]{1,5})?/[A-Za-z0-9._~/-]+$",
                                               "description": "an https URL with a path: a Client ID Metadata Document"],
                "timeout": seconds, "tool_timeout": seconds, "enabled": boolean, "allowed_tools": strings, "disabled_tools": strings,
                "resources": ["type": "boolean", "description": "false: models are not offered this server's resources (lmg_list_resources, lmg_read_resource)"],
                "roots": ["type": "array", "items": ["anyOf": [
                    ["type": "string", "pattern": "^/[^\\u0000-\\u001f\\u007f]*$"],
                    ["type": "string", "pattern": "^~(/[^\\u0000-\\u001f\\u007f]*)?$"],
                    ["type": "string", "pattern": "^[Ff][Ii][Ll][Ee]:///[A-Za-z0-9._~/-]*$"],
                ]], "description": "Folders the server may work in (roots/list): absolute paths, ~/…, or file:/// URIs (the config file also takes paths relative to itself)"],
                "log_level": ["type": "string", "enum": .array(MCPLogLevel.names.map { .string($0) }),
                              "description": "The least severe log messages the server is asked for (and lmg keeps)"],
                "protocol_version": [
                    "type": "string", "enum": .array((["auto"] + ProtocolNegotiation.modernVersions + ProtocolNegotiation.legacyVersions).map { .string($0) }),
                    "description": "The MCP revision to speak; auto (the default) probes with server/discover and falls back to initialize",
                ],
            ],
            "anyOf": [
                ["title": "stdio", "required": ["command"], "not": ["required": ["forward_headers"]], "properties": ["type": ["const": "stdio"]]],
                ["title": "HTTP", "required": ["url"], "not": ["required": ["command"]],
                 "properties": ["type": ["enum": ["http", "sse"]], "url": httpURL, "forward_headers": headerNames]],
                ["title": "HTTP beside a command", "required": ["url", "type"],
                 "properties": ["type": ["enum": ["http", "sse"]], "url": httpURL, "forward_headers": headerNames]],
                // A ws(s):// url means a WebSocket; one connection serves every caller, so no forwarded headers.
                ["title": "WebSocket", "required": ["url"], "not": ["required": ["forward_headers"]],
                 "properties": ["type": ["const": "ws"], "url": wsURL]],
            ],
        ]
        if named, case .object(var object) = entry {
            object["required"] = ["name"]
            entry = .object(object)
        }
        return entry
    }
}
