import CurlHTTP
import Foundation
import MCP

/// The MCP sections of a config file: `mcpServers` (Claude Desktop's entries plus the seed
/// design's keys) and `manager` (retries, breaker, health checks).
extension ConfigFields {
    /// The keys a server entry takes.
    public static let serverKeys: Set<String> = [
        "type", "transport", "command", "args", "env", "cwd", "url", "headers", "oauth2_token", "oauth2_token_url",
        "oauth2_client_id", "oauth2_client_secret", "oauth2_scopes", "oauth2_auth_method", "timeout", "tool_timeout",
        "enabled", "disabled", "allowed_tools", "disabled_tools", "name", "description", "health_check_interval",
        "forward_headers", "resources", "oauth2_client_metadata_url", "protocol_version", "roots", "log_level",
    ]
    /// The keys of the `manager` section.
    public static let managerKeys: Set<String> = [
        "retry_attempts", "retry_base", "retry_cap", "breaker_threshold", "breaker_cool_down", "health_check_interval",
    ]

    /// The `mcpServers` object, sorted by name.
    public mutating func readServers(_ raw: Value?) throws(ConfigError) -> [MCPServerConfig] {
        guard let raw else { return [] }
        guard case .object(let entries) = raw else { throw error("must be an object of servers", at: "mcpServers") }
        var servers: [MCPServerConfig] = []
        for name in entries.keys.sorted() {
            servers.append(try readServer(name: name, entries[name]!))
        }
        return servers
    }

    /// The `manager` section.
    public mutating func readManager(_ raw: Value) throws(ConfigError) -> ManagerPolicy {
        guard case .object(let object) = raw else { throw error("must be an object", at: "manager") }
        warnUnknown(object, known: Self.managerKeys, at: "manager")
        var policy = ManagerPolicy()
        if let attempts = try int(object["retry_attempts"], at: "manager.retry_attempts") {
            guard attempts >= 1 else { throw error("must be at least 1 (1 means no retry)", at: "manager.retry_attempts") }
            policy.retry.attempts = attempts
        }
        if let seconds = try number(object["retry_base"], at: "manager.retry_base") {
            policy.retry.base = try duration(seconds, at: "manager.retry_base")
        }
        if let seconds = try number(object["retry_cap"], at: "manager.retry_cap") {
            policy.retry.cap = try duration(seconds, at: "manager.retry_cap")
        }
        if let threshold = try int(object["breaker_threshold"], at: "manager.breaker_threshold") {
            guard threshold >= 1 else { throw error("must be at least 1", at: "manager.breaker_threshold") }
            policy.breakerThreshold = threshold
        }
        if let seconds = try number(object["breaker_cool_down"], at: "manager.breaker_cool_down") {
            policy.breakerCoolDown = try duration(seconds, at: "manager.breaker_cool_down")
        }
        if let seconds = try number(object["health_check_interval"], at: "manager.health_check_interval") {
            policy.healthCheckInterval = seconds == 0 ? nil : try duration(seconds, at: "manager.health_check_interval")
        }
        return policy
    }

    /// One server entry named `name`.
    public mutating func readServer(name: String, _ raw: Value) throws(ConfigError) -> MCPServerConfig {
        let at = "server '\(name)'"
        guard case .object(let object) = raw else { throw error("must be an object", at: at) }
        warnUnknown(object, known: Self.serverKeys, at: at)
        func field(_ key: String) -> String { "\(at), field '\(key)'" }

        let command = try string(object["command"], at: field("command"))
        let url = try string(object["url"], at: field("url"))
        let transportAlias = try string(object["transport"], at: field("transport"))
        let typeName = try string(object["type"], at: field("type")) ?? transportAlias
        let transport: MCPServerConfig.TransportKind
        var fallback = false
        switch typeName?.lowercased() {
        case "stdio": transport = .stdio
        case "http", "streamable-http", "streamable_http", "streamablehttp": transport = .http
        case "sse": transport = .sse
        case "ws", "websocket": transport = .ws
        case nil:
            if command != nil {
                transport = .stdio
            } else if let url, ["ws", "wss"].contains(URL(string: url)?.scheme?.lowercased()) {
                transport = .ws
            } else if url != nil {
                transport = .http
                fallback = true
            } else {
                throw error("needs either \"command\" (stdio) or \"url\" (HTTP)", at: at)
            }
        case let other?:
            throw error("unknown transport \"\(other)\" (expected stdio, http, sse or ws)", at: field("type"))
        }
        var server = MCPServerConfig(name: name, transport: transport, fallbackToSSE: fallback)
        switch transport {
        case .stdio:
            guard let command, !command.isEmpty else { throw error("a stdio server needs \"command\"", at: at) }
            server.command = command
        case .http, .sse:
            guard let url, !url.isEmpty else { throw error("an HTTP server needs \"url\"", at: at) }
            guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(),
                  scheme == "http" || scheme == "https", parsed.host != nil
            else { throw error("\"\(Redaction.url(url))\" is not an http(s) URL", at: field("url")) }
            server.url = url
        case .ws:
            guard let url, !url.isEmpty else { throw error("a WebSocket server needs \"url\"", at: at) }
            server.url = try webSocketURL(url, at: field("url"))
        }
        server.args = try stringArray(object["args"], at: field("args")) ?? []
        server.env = try stringMap(object["env"], at: field("env"))
        server.cwd = try string(object["cwd"], at: field("cwd"))
        server.headers = try headers(object["headers"], at: field("headers"))
        server.forwardHeaders = try forwardHeaderNames(object["forward_headers"], transport: transport, at: field("forward_headers"))
        server.oauth2Token = try string(object["oauth2_token"], at: field("oauth2_token"))
        server.oauth2TokenURL = try string(object["oauth2_token_url"], at: field("oauth2_token_url"))
        server.oauth2ClientID = try string(object["oauth2_client_id"], at: field("oauth2_client_id"))
        server.oauth2ClientSecret = try string(object["oauth2_client_secret"], at: field("oauth2_client_secret"))
        if case .string(let scopes)? = object["oauth2_scopes"] {
            server.oauth2Scopes = try expand(scopes, at: field("oauth2_scopes")).split(separator: " ").map(String.init)
        } else {
            server.oauth2Scopes = try stringArray(object["oauth2_scopes"], at: field("oauth2_scopes")) ?? []
        }
        if let method = try string(object["oauth2_auth_method"], at: field("oauth2_auth_method")) {
            guard let parsed = OAuth2ClientAuthMethod(rawValue: method.lowercased()) else {
                let known = OAuth2ClientAuthMethod.allCases.map(\.rawValue).joined(separator: " or ")
                throw error("unknown auth method \"\(method)\" (expected \(known))", at: field("oauth2_auth_method"))
            }
            server.oauth2AuthMethod = parsed
        }
        if let document = try string(object["oauth2_client_metadata_url"], at: field("oauth2_client_metadata_url")) {
            // The document's URL is the client id: it must be HTTPS with a path (the draft's rule).
            guard let parts = URLComponents(string: document), parts.scheme == "https", parts.host?.isEmpty == false,
                  !parts.path.isEmpty, parts.path != "/"
            else { throw error("must be an https URL with a path (the client metadata document lmg's client id names)", at: field("oauth2_client_metadata_url")) }
            server.oauth2ClientMetadataURL = document
        }
        fillFromEnvironment(&server)
        if let seconds = try number(object["timeout"], at: field("timeout")) {
            server.timeout = try duration(seconds, at: field("timeout"))
        }
        if let seconds = try number(object["tool_timeout"], at: field("tool_timeout")) {
            server.toolTimeout = try duration(seconds, at: field("tool_timeout"))
        }
        if let seconds = try number(object["health_check_interval"], at: field("health_check_interval")) {
            // 0 turns checks off for this server.
            server.healthCheckInterval = seconds == 0 ? .zero : try duration(seconds, at: field("health_check_interval"))
        }
        server.enabled = try bool(object["enabled"], at: field("enabled")) ?? true
        if try bool(object["disabled"], at: field("disabled")) == true { server.enabled = false }
        server.allowedTools = try stringArray(object["allowed_tools"], at: field("allowed_tools"))
        server.disabledTools = try stringArray(object["disabled_tools"], at: field("disabled_tools")) ?? []
        server.modelResources = try bool(object["resources"], at: field("resources")) ?? true
        server.roots = try roots(object["roots"], at: field("roots"))
        if let level = try string(object["log_level"], at: field("log_level")) {
            let levels = MCPLogLevel.names
            guard levels.contains(level) else {
                throw error("unknown log level \"\(level)\" (expected one of \(levels.joined(separator: ", ")))", at: field("log_level"))
            }
            server.logLevel = level
        }
        if let version = try string(object["protocol_version"], at: field("protocol_version")), version != "auto" {
            let known = ProtocolNegotiation.modernVersions + ProtocolNegotiation.legacyVersions
            guard known.contains(version) else {
                throw error("unknown MCP revision \"\(version)\" (expected auto or one of \(known.joined(separator: ", ")))", at: field("protocol_version"))
            }
            server.protocolPreference = .only(version)
        }
        return server
    }

    /// `forward_headers`: header names (HTTP tokens) an HTTP server may be sent from the caller's
    /// request; never the ones lmg sets itself, which would break the protocol or the session.
    /// A WebSocket URL as the WebSocket client will read it (``WebSocketTransport/clientURL(_:)``),
    /// or an error saying what it cannot take.
    func webSocketURL(_ url: String, at location: String) throws(ConfigError) -> String {
        let shown = "\"\(Redaction.url(url))\""
        switch WebSocketTransport.clientURL(url) {
        case .success(let url): return url
        case .failure(.notWebSocket): throw error("\(shown) is not a ws(s) URL", at: location)
        case .failure(.userInfo):
            throw error("\(shown): a WebSocket URL cannot carry user info; send credentials in headers or oauth2_token", at: location)
        case .failure(.ipv6Literal):
            throw error("\(shown): IPv6 literal hosts are not supported for WebSocket servers; use a host name", at: location)
        }
    }

    func forwardHeaderNames(_ raw: Value?, transport: MCPServerConfig.TransportKind, at: String) throws(ConfigError) -> [String] {
        let names = try stringArray(raw, at: at) ?? []
        guard !names.isEmpty else { return [] }
        guard transport != .stdio else { throw error("only HTTP servers take forwarded headers (this one is stdio)", at: at) }
        // One WebSocket carries every caller's messages: a header can only be sent once, at the upgrade.
        guard transport != .ws else { throw error("only HTTP servers take forwarded headers (a WebSocket is shared by every caller)", at: at) }
        for name in names {
            guard !name.isEmpty, name.unicodeScalars.allSatisfy(ForwardedHeaders.isTokenCharacter) else {
                throw error("\"\(name)\" is not a header name", at: at)
            }
            if ForwardedHeaders.reserved.contains(name.lowercased()) || name.lowercased().hasPrefix("mcp-param-") {
                throw error("\"\(name)\" is set by lmg itself and cannot be forwarded", at: at)
            }
        }
        return names
    }

    /// The seed design's convention: for a server named `file_service`, FILE_SERVICE_CLIENT_ID,
    /// FILE_SERVICE_CLIENT_SECRET and FILE_SERVICE_TOKEN fill the OAuth2 fields the entry left empty,
    /// so secrets can stay out of config files without `${VAR}` in every entry.
    func fillFromEnvironment(_ server: inout MCPServerConfig) {
        let prefix = Self.environmentPrefix(for: server.name)
        func fill(_ value: inout String?, _ suffix: String) {
            guard (value ?? "").isEmpty, let found = environment[prefix + suffix], !found.isEmpty else { return }
            value = found
        }
        fill(&server.oauth2ClientID, "_CLIENT_ID")
        fill(&server.oauth2ClientSecret, "_CLIENT_SECRET")
        fill(&server.oauth2Token, "_TOKEN")
    }

    /// `file-service.v2` → `FILE_SERVICE_V2`: uppercased, anything not a letter or digit → `_`.
    static func environmentPrefix(for name: String) -> String {
        String(name.uppercased().unicodeScalars.map { scalar -> Character in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar)) ? Character(scalar) : "_"
        })
    }
}
