import CurlHTTP
import MCP

/// How to reach one MCP server: the Claude Desktop keys plus the seed design's MCPServerConfig keys.
///
/// An existing `claude_desktop_config.json` entry parses as is; `url`-only entries speak Streamable
/// HTTP and fall back to the legacy HTTP+SSE transport when the server rejects it.
public struct MCPServerConfig: Sendable, Hashable {
    /// Which wire protocol to use.
    public enum TransportKind: String, Sendable, Hashable, CaseIterable {
        /// A spawned process speaking newline-delimited JSON-RPC on stdin/stdout.
        case stdio
        /// Streamable HTTP (MCP 2025-03-26 and later).
        case http
        /// The legacy HTTP+SSE transport (MCP 2024-11-05).
        case sse
        /// A WebSocket (`ws://`, `wss://`) with the `mcp` subprotocol, as the Python SDK 1.x serves it.
        case ws
    }

    /// The key under `mcpServers`; names the server in every message.
    public var name: String
    /// The transport named by `type`, or inferred (`command` → stdio, a `ws(s)://` url → ws, another `url` → http).
    public var transport: TransportKind
    /// True for a `url` entry without `type`: try Streamable HTTP, fall back to legacy SSE.
    public var fallbackToSSE: Bool

    /// The program to spawn (stdio); `lmg` means the running binary.
    public var command: String?
    /// Its arguments, `${VAR}`-expanded.
    public var args: [String]
    /// Merged over the parent's environment when the process is spawned.
    public var env: [String: String]
    /// The working directory of the spawned process; lmg's own when nil.
    public var cwd: String?

    /// The endpoint of an HTTP, SSE or WebSocket server.
    public var url: String?
    /// Sent with every HTTP request; values never appear in output.
    public var headers: [HeaderConfig]
    /// Headers of the front end's own request copied to this HTTP server (`forward_headers`):
    /// exactly these names, when a request made on a caller's behalf carries them (see
    /// ``ForwardedHeaders``).
    public var forwardHeaders: [String]

    /// A static bearer token (`oauth2_token`).
    public var oauth2Token: String?
    /// The token endpoint for client credentials; discovered from the server's 401 when nil.
    public var oauth2TokenURL: String?
    /// Client credentials (`oauth2_client_id`, `oauth2_client_secret`); the secret is never shown.
    public var oauth2ClientID: String?
    public var oauth2ClientSecret: String?
    /// Scopes asked for with each token.
    public var oauth2Scopes: [String]
    /// How the client authenticates at the token endpoint (`oauth2_auth_method`).
    public var oauth2AuthMethod: OAuth2ClientAuthMethod
    /// An HTTPS URL of a Client ID Metadata Document the user hosts (`oauth2_client_metadata_url`):
    /// lmg's client id at authorization servers that accept one, instead of registering.
    public var oauth2ClientMetadataURL: String?

    /// Per-request limit (`timeout`, seconds; default 30).
    public var timeout: Duration
    /// Limit for `tools/call` (`tool_timeout`); `timeout` when absent.
    public var toolTimeout: Duration?

    /// Ping interval (`health_check_interval`, seconds; 0 = off); nil takes the manager's default
    /// for the transport (off for stdio).
    public var healthCheckInterval: Duration?

    /// A disabled server is listed but never started.
    public var enabled: Bool
    /// When set, only these tools are exposed.
    public var allowedTools: [String]?
    /// Tools never exposed.
    public var disabledTools: [String]
    /// Whether a model may list and read this server's resources through the orchestrator's
    /// resource functions (`resources`, default true). People still read them (`/read`, REST, `/mcp`).
    public var modelResources: Bool = true
    /// Which MCP revision to speak (`protocol_version`): by default the newest the server
    /// has, found by probing with `server/discover` and falling back to `initialize`.
    public var protocolPreference: ProtocolNegotiation.Preference = .auto
    /// What `roots/list` answers this server (`roots`, else the config's top-level `roots`);
    /// nil: the client's default, the working directory.
    public var roots: [Root]?
    /// The least severe log messages the server is asked to send (`log_level`: debug … emergency);
    /// nil asks for every message, which front ends then filter themselves.
    public var logLevel: String?

    public init(
        name: String,
        transport: TransportKind,
        fallbackToSSE: Bool = false,
        command: String? = nil,
        args: [String] = [],
        env: [String: String] = [:],
        cwd: String? = nil,
        url: String? = nil,
        headers: [HeaderConfig] = [],
        forwardHeaders: [String] = [],
        oauth2Token: String? = nil,
        oauth2TokenURL: String? = nil,
        oauth2ClientID: String? = nil,
        oauth2ClientSecret: String? = nil,
        oauth2Scopes: [String] = [],
        oauth2AuthMethod: OAuth2ClientAuthMethod = .clientSecretBasic,
        timeout: Duration = .seconds(30),
        toolTimeout: Duration? = nil,
        healthCheckInterval: Duration? = nil,
        enabled: Bool = true,
        allowedTools: [String]? = nil,
        disabledTools: [String] = []
    ) {
        self.name = name
        self.transport = transport
        self.fallbackToSSE = fallbackToSSE
        self.command = command
        self.args = args
        self.env = env
        self.cwd = cwd
        self.url = url
        self.headers = headers
        self.forwardHeaders = forwardHeaders
        self.oauth2Token = oauth2Token
        self.oauth2TokenURL = oauth2TokenURL
        self.oauth2ClientID = oauth2ClientID
        self.oauth2ClientSecret = oauth2ClientSecret
        self.oauth2Scopes = oauth2Scopes
        self.oauth2AuthMethod = oauth2AuthMethod
        self.timeout = timeout
        self.toolTimeout = toolTimeout
        self.healthCheckInterval = healthCheckInterval
        self.enabled = enabled
        self.allowedTools = allowedTools
        self.disabledTools = disabledTools
    }

    /// A stdio server entry.
    public static func stdio(_ name: String, command: String, args: [String] = [], env: [String: String] = [:]) -> Self {
        .init(name: name, transport: .stdio, command: command, args: args, env: env)
    }

    /// A Streamable HTTP server entry.
    public static func http(_ name: String, url: String, headers: [HeaderConfig] = []) -> Self {
        .init(name: name, transport: .http, url: url, headers: headers)
    }

    /// A WebSocket server entry (`ws://` or `wss://`).
    public static func ws(_ name: String, url: String, headers: [HeaderConfig] = []) -> Self {
        .init(name: name, transport: .ws, url: url, headers: headers)
    }

    /// True when the entry has client credentials: tokens come from the token endpoint (configured
    /// or discovered) and are refreshed, rather than a fixed `oauth2_token`.
    public var usesOAuth2ClientCredentials: Bool {
        !(oauth2ClientID ?? "").isEmpty && !(oauth2ClientSecret ?? "").isEmpty && url != nil
    }

    /// The limit on one request, computed here and nowhere else: an explicit per-call `override`
    /// wins; a `tools/call` then takes `tool_timeout` when set; everything else takes `timeout`.
    public func requestLimit(for method: String, override: Duration? = nil) -> Duration {
        override ?? (method == "tools/call" ? toolTimeout : nil) ?? timeout
    }

    /// Whether `tool` passes `allowed_tools` and `disabled_tools`.
    public func exposes(tool: String) -> Bool {
        if disabledTools.contains(tool) { return false }
        if let allowedTools { return allowedTools.contains(tool) }
        return true
    }

    /// What to show for the endpoint: the URL, or the command line; never header values.
    public var endpointDescription: String {
        switch transport {
        case .stdio: return ([command ?? ""] + args).joined(separator: " ")
        case .http, .sse, .ws: return Redaction.url(url ?? "")
        }
    }
}

/// Never prints a credential: `oauth2_token`, `oauth2_client_secret`, credential headers and
/// every `env` value (a server's environment often carries its API key) are redacted in
/// interpolation, `dump` and debuggers.
extension MCPServerConfig: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        var parts = ["name: \(name)", "transport: \(transport.rawValue)", "endpoint: \(endpointDescription)"]
        if !headers.isEmpty { parts.append("headers: [\(headers.map(\.description).joined(separator: ", "))]") }
        if !env.isEmpty { parts.append("env: [\(env.keys.sorted().map { "\($0): \(Redaction.placeholder)" }.joined(separator: ", "))]") }
        if let token = Redaction.mark(oauth2Token) { parts.append("oauth2Token: \(token)") }
        if let id = oauth2ClientID { parts.append("oauth2ClientID: \(id)") }
        if let secret = Redaction.mark(oauth2ClientSecret) { parts.append("oauth2ClientSecret: \(secret)") }
        return "MCPServerConfig(\(parts.joined(separator: ", ")))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: [
            "name": name, "transport": transport, "command": command as Any, "args": args,
            "env": env.mapValues { _ in Redaction.placeholder }, "cwd": cwd as Any, "url": url.map(Redaction.url) as Any, "headers": headers,
            "forwardHeaders": forwardHeaders,
            "oauth2Token": Redaction.mark(oauth2Token) as Any, "oauth2TokenURL": oauth2TokenURL as Any,
            "oauth2ClientID": oauth2ClientID as Any, "oauth2ClientSecret": Redaction.mark(oauth2ClientSecret) as Any,
            "oauth2Scopes": oauth2Scopes, "timeout": timeout, "toolTimeout": toolTimeout as Any, "enabled": enabled,
        ], displayStyle: .struct)
    }
}
