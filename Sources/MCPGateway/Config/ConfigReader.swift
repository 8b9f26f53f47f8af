import Foundation
import MCP

/// Walks parsed JSON into a `GatewayConfig`, expanding `${VAR}` and naming the field of every error.
struct ConfigReader {
    let file: String
    let environment: [String: String]
    var warnings: [String] = []

    init(file: String, environment: [String: String]) {
        self.file = file
        self.environment = environment
    }

    static let rootKeys: Set<String> = ["model", "system_prompt", "max_tool_iterations", "mcpServers", "manager", "$schema"]
    static let managerKeys: Set<String> = [
        "retry_attempts", "retry_base", "retry_cap", "breaker_threshold", "breaker_cool_down", "health_check_interval",
    ]
    static let modelKeys: Set<String> = [
        "base_url", "api_key", "model", "name", "temperature", "max_tokens", "stream", "headers", "timeout",
    ]
    static let serverKeys: Set<String> = [
        "type", "transport", "command", "args", "env", "cwd", "url", "headers", "oauth2_token", "oauth2_token_url",
        "oauth2_client_id", "oauth2_client_secret", "oauth2_scopes", "oauth2_auth_method", "timeout", "tool_timeout",
        "enabled", "disabled", "allowed_tools", "disabled_tools", "name", "description", "health_check_interval",
    ]

    mutating func readRoot(_ root: Value, path: String?) throws(ConfigError) -> GatewayConfig {
        guard case .object(let object) = root else {
            throw ConfigError(file: file, message: "the top level must be a JSON object")
        }
        warnUnknown(object, known: Self.rootKeys, at: nil)
        var config = GatewayConfig(path: path)
        if let model = object["model"] {
            config.model = try readModel(model)
        }
        config.systemPrompt = try string(object["system_prompt"], at: "system_prompt")
        if let iterations = try int(object["max_tool_iterations"], at: "max_tool_iterations") {
            guard iterations > 0 else { throw error("must be at least 1", at: "max_tool_iterations") }
            config.maxToolIterations = iterations
        }
        if let manager = object["manager"] {
            config.manager = try readManager(manager)
        }
        var servers: [MCPServerConfig] = []
        if let raw = object["mcpServers"] {
            guard case .object(let entries) = raw else { throw error("must be an object of servers", at: "mcpServers") }
            for name in entries.keys.sorted() {
                servers.append(try readServer(name: name, entries[name]!))
            }
        }
        config.servers = servers
        config.warnings = warnings
        return config
    }

    // MARK: - Sections

    mutating func readModel(_ raw: Value) throws(ConfigError) -> ModelConfig {
        guard case .object(let object) = raw else { throw error("must be an object", at: "model") }
        warnUnknown(object, known: Self.modelKeys, at: "model")
        var model = ModelConfig()
        model.baseURL = try string(object["base_url"], at: "model.base_url")
        model.apiKey = try string(object["api_key"], at: "model.api_key")
        let alias = try string(object["name"], at: "model.name")
        model.name = try string(object["model"], at: "model.model") ?? alias
        model.temperature = try number(object["temperature"], at: "model.temperature")
        model.maxTokens = try int(object["max_tokens"], at: "model.max_tokens")
        model.stream = try bool(object["stream"], at: "model.stream") ?? true
        model.headers = try headers(object["headers"], at: "model.headers")
        if let seconds = try number(object["timeout"], at: "model.timeout") {
            model.timeout = try duration(seconds, at: "model.timeout")
        }
        return model
    }

    mutating func readManager(_ raw: Value) throws(ConfigError) -> ManagerPolicy {
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

    mutating func readServer(name: String, _ raw: Value) throws(ConfigError) -> MCPServerConfig {
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
        case nil:
            if command != nil {
                transport = .stdio
            } else if url != nil {
                transport = .http
                fallback = true
            } else {
                throw error("needs either \"command\" (stdio) or \"url\" (HTTP)", at: at)
            }
        case let other?:
            throw error("unknown transport \"\(other)\" (expected stdio, http or sse)", at: field("type"))
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
            else { throw error("\"\(url)\" is not an http(s) URL", at: field("url")) }
            server.url = url
        }
        server.args = try stringArray(object["args"], at: field("args")) ?? []
        server.env = try stringMap(object["env"], at: field("env"))
        server.cwd = try string(object["cwd"], at: field("cwd"))
        server.headers = try headers(object["headers"], at: field("headers"))
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
        return server
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

    // MARK: - Typed fields

    /// `field 'env'` + `.PATH` → `field 'env.PATH'`, so nested names read as one path.
    func nested(_ location: String, _ suffix: String) -> String {
        location.hasSuffix("'") ? String(location.dropLast()) + suffix + "'" : location + suffix
    }

    func error(_ message: String, at location: String?) -> ConfigError {
        ConfigError(file: file, location: location, message: message)
    }

    mutating func warnUnknown(_ object: [String: Value], known: Set<String>, at location: String?) {
        for key in object.keys.sorted() where !known.contains(key) {
            let place = location.map { "\($0): " } ?? ""
            warnings.append("\(file): \(place)unknown key '\(key)' (ignored)")
        }
    }

    func expand(_ text: String, at location: String) throws(ConfigError) -> String {
        do {
            return try EnvironmentExpansion.expand(text, environment: environment)
        } catch .undefined(let name) {
            throw error("environment variable \(name) is not set (use ${\(name):-default} for a fallback)", at: location)
        } catch {
            throw self.error("malformed ${...} reference in \"\(text)\"", at: location)
        }
    }

    func string(_ raw: Value?, at location: String) throws(ConfigError) -> String? {
        switch raw {
        case nil, .null?: return nil
        case .string(let text)?: return try expand(text, at: location)
        default: throw error("expected a string", at: location)
        }
    }

    func number(_ raw: Value?, at location: String) throws(ConfigError) -> Double? {
        switch raw {
        case nil, .null?: return nil
        case .int(let value)?: return Double(value)
        case .double(let value)?: return value
        case .string(let text)?:
            guard let value = Double(try expand(text, at: location)) else { throw error("expected a number", at: location) }
            return value
        default: throw error("expected a number", at: location)
        }
    }

    func int(_ raw: Value?, at location: String) throws(ConfigError) -> Int? {
        guard let value = try number(raw, at: location) else { return nil }
        guard value == value.rounded(), abs(value) < 1e15 else { throw error("expected a whole number", at: location) }
        return Int(value)
    }

    func bool(_ raw: Value?, at location: String) throws(ConfigError) -> Bool? {
        switch raw {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        case .string(let text)?:
            switch try expand(text, at: location).lowercased() {
            case "true", "1", "yes": return true
            case "false", "0", "no": return false
            default: throw error("expected true or false", at: location)
            }
        default: throw error("expected true or false", at: location)
        }
    }

    func duration(_ seconds: Double, at location: String) throws(ConfigError) -> Duration {
        guard seconds > 0, seconds.isFinite else { throw error("must be a positive number of seconds", at: location) }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    func stringArray(_ raw: Value?, at location: String) throws(ConfigError) -> [String]? {
        switch raw {
        case nil, .null?: return nil
        case .array(let items)?:
            var result: [String] = []
            for (index, item) in items.enumerated() {
                guard case .string(let text) = item else { throw error("expected a string", at: nested(location, "[\(index)]")) }
                result.append(try expand(text, at: nested(location, "[\(index)]")))
            }
            return result
        default: throw error("expected an array of strings", at: location)
        }
    }

    func stringMap(_ raw: Value?, at location: String) throws(ConfigError) -> [String: String] {
        switch raw {
        case nil, .null?: return [:]
        case .object(let object)?:
            var result: [String: String] = [:]
            for (key, value) in object {
                switch value {
                case .string(let text): result[key] = try expand(text, at: nested(location, ".\(key)"))
                case .int(let number): result[key] = String(number)
                case .double(let number): result[key] = String(number)
                case .bool(let flag): result[key] = String(flag)
                default: throw error("expected a string", at: nested(location, ".\(key)"))
                }
            }
            return result
        default: throw error("expected an object of strings", at: location)
        }
    }

    /// Headers as `[{"key": K, "value": V}]` (the seed design) or `{"K": "V"}` (Claude Desktop).
    func headers(_ raw: Value?, at location: String) throws(ConfigError) -> [HeaderConfig] {
        if case .array(let list)? = raw {
            var result: [HeaderConfig] = []
            for (index, item) in list.enumerated() {
                let here = nested(location, "[\(index)]")
                guard case .object(let entry) = item, case .string(let key)? = entry["key"],
                      case .string(let value)? = entry["value"]
                else { throw error("expected {\"key\": ..., \"value\": ...}", at: here) }
                result.append(HeaderConfig(key: key, value: try expand(value, at: here)))
            }
            return result
        }
        let map = try stringMap(raw, at: location)
        return map.keys.sorted().map { HeaderConfig(key: $0, value: map[$0]!) }
    }
}
