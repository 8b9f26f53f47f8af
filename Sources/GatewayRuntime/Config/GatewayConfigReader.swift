import Foundation
import MCP
import MCPGateway
import ModelClient

/// Walks a parsed config file into a `GatewayConfig`: the application's sections here, the MCP
/// sections (`mcpServers`, `manager`) through MCPGateway's readers, every error naming its field.
struct GatewayConfigReader {
    var fields: ConfigFields

    init(file: String, environment: [String: String]) {
        fields = ConfigFields(file: file, environment: environment)
    }

    static let rootKeys: Set<String> = ["model", "models", "judge_model", "system_prompt", "max_tool_iterations", "model_resources", "trace_arguments", "prompts_dir", "roots", "mcpServers", "manager", "server", "$schema"]
    static let serverKeys: Set<String> = [
        "host", "port", "max_body_bytes", "grace_period", "idle_timeout", "body_timeout", "api_keys", "rate_limit", "allow_stdio_servers", "allowed_url_hosts", "store",
        "metrics_public", "session_lifetime",
    ]
    static let modelKeys: Set<String> = [
        "base_url", "api_key", "model", "name", "temperature", "max_tokens", "stream", "headers", "timeout", "prices",
    ]

    mutating func readRoot(_ root: Value, path: String?) throws(ConfigError) -> GatewayConfig {
        guard case .object(let object) = root else {
            throw ConfigError(file: fields.file, message: "the top level must be a JSON object")
        }
        fields.warnUnknown(object, known: Self.rootKeys, at: nil)
        var config = GatewayConfig(path: path)
        if let model = object["model"] {
            config.model = try readModel(model)
        }
        config.systemPrompt = try fields.string(object["system_prompt"], at: "system_prompt")
        if let iterations = try fields.int(object["max_tool_iterations"], at: "max_tool_iterations") {
            guard iterations > 0 else { throw fields.error("must be at least 1", at: "max_tool_iterations") }
            config.maxToolIterations = iterations
        }
        config.modelResources = try fields.bool(object["model_resources"], at: "model_resources") ?? true
        config.traceArguments = try fields.bool(object["trace_arguments"], at: "trace_arguments") ?? false
        if let dir = try fields.string(object["prompts_dir"], at: "prompts_dir") {
            guard !dir.isEmpty else { throw fields.error("must not be empty", at: "prompts_dir") }
            // Relative to the file that says it, so the config works from any working directory.
            config.promptsDirectory = dir.hasPrefix("/") || path == nil
                ? dir : ((((path ?? "") as NSString).deletingLastPathComponent as NSString).appendingPathComponent(dir))
        }
        if let manager = object["manager"] {
            config.manager = try fields.readManager(manager)
        }
        config.servers = try fields.readServers(object["mcpServers"])
        if let roots = try fields.roots(object["roots"], at: "roots") {
            // Every server without roots of its own gets these.
            for index in config.servers.indices where config.servers[index].roots == nil { config.servers[index].roots = roots }
        }
        if let server = object["server"] { config.server = try readServe(server) }
        config.model = RuntimeEnvironment(fields.environment).applyModelOverrides(to: config.model)
        if let models = object["models"] { config.models = try readModels(models, defaults: config.model) }
        if let judge = object["judge_model"] { config.judgeModel = try readJudge(judge, config: config) }
        if config.model.authorizationHeaderIsShadowed {
            fields.warnings.append(
                "\(fields.file): model.headers: the Authorization header is not sent, because an API key is set (model.api_key or OPENAI_API_KEY) and wins")
        }
        config.warnings = fields.warnings
        return config
    }

    mutating func readServe(_ raw: Value) throws(ConfigError) -> ServeSettings {
        guard case .object(let object) = raw else { throw fields.error("must be an object", at: "server") }
        fields.warnUnknown(object, known: Self.serverKeys, at: "server")
        var settings = ServeSettings()
        if let host = try fields.string(object["host"], at: "server.host") {
            guard !host.isEmpty else { throw fields.error("must not be empty", at: "server.host") }
            settings.host = host
        }
        if let port = try fields.int(object["port"], at: "server.port") {
            guard (0...65_535).contains(port) else { throw fields.error("must be a port between 0 and 65535", at: "server.port") }
            settings.port = port
        }
        if let bytes = try fields.int(object["max_body_bytes"], at: "server.max_body_bytes") {
            guard bytes > 0 else { throw fields.error("must be at least 1", at: "server.max_body_bytes") }
            settings.maxBodyBytes = bytes
        }
        if let grace = try fields.duration(object["grace_period"], at: "server.grace_period") { settings.gracePeriod = grace }
        if let idle = try fields.duration(object["idle_timeout"], at: "server.idle_timeout") { settings.idleTimeout = idle }
        if let body = try fields.duration(object["body_timeout"], at: "server.body_timeout") { settings.bodyTimeout = body }
        settings.apiKeys = try readKeys(object["api_keys"])
        if let limit = object["rate_limit"] { settings.rateLimit = try readRateLimit(limit) }
        settings.allowStdioServers = try fields.bool(object["allow_stdio_servers"], at: "server.allow_stdio_servers") ?? false
        settings.allowedURLHosts = try fields.stringArray(object["allowed_url_hosts"], at: "server.allowed_url_hosts")?.map { $0.lowercased() }
        if let store = try fields.string(object["store"], at: "server.store") {
            guard !store.isEmpty else {
                throw fields.error("must be a file path, a postgres:// URL or \"memory\" (leave it out for $XDG_STATE_HOME/lmg/servers.sqlite)", at: "server.store")
            }
            if PostgresStoreURL.isPostgres(store) {
                do {
                    settings.store = .postgres(try PostgresStoreURL(parsing: store))
                } catch {
                    throw fields.error("the PostgreSQL URL \(error.problem)", at: "server.store")
                }
            } else {
                settings.store = store == "memory" ? .memory : .file(store)
            }
        }
        settings.metricsPublic = try fields.bool(object["metrics_public"], at: "server.metrics_public") ?? false
        if let lifetime = try fields.duration(object["session_lifetime"], at: "server.session_lifetime") {
            guard lifetime >= .seconds(60) else { throw fields.error("must be at least 60 seconds", at: "server.session_lifetime") }
            settings.sessionLifetime = lifetime
        }
        return settings
    }

    mutating func readKeys(_ raw: Value?) throws(ConfigError) -> [APIKey] {
        guard let raw, raw != .null else { return [] }
        guard case .array(let entries) = raw else { throw fields.error("must be an array of keys", at: "server.api_keys") }
        var keys: [APIKey] = []
        for (index, entry) in entries.enumerated() {
            let at = "server.api_keys[\(index)]"
            guard case .object(let object) = entry else { throw fields.error("must be an object", at: at) }
            fields.warnUnknown(object, known: ["key", "name", "role", "servers", "tools"], at: at)
            guard let key = try fields.string(object["key"], at: at + ".key"), !key.isEmpty else {
                throw fields.error("needs a non-empty \"key\" (use ${VAR} to keep it out of the file)", at: at + ".key")
            }
            let name = try fields.string(object["name"], at: at + ".name") ?? "key \(index + 1)"
            let roleName = try fields.string(object["role"], at: at + ".role") ?? "user"
            guard let role = APIKey.Role(rawValue: roleName) else {
                throw fields.error("unknown role \"\(roleName)\" (expected user or admin)", at: at + ".role")
            }
            guard !keys.contains(where: { $0.key == key }) else { throw fields.error("the same key is listed twice", at: at + ".key") }
            if let other = keys.firstIndex(where: { $0.name == name }) {
                // The name stands for the key in rate-limit buckets, the access log and /mcp sessions.
                throw fields.error("the name \"\(name)\" is already server.api_keys[\(other)]'s; names must be unique", at: at + ".name")
            }
            keys.append(APIKey(
                key: key, name: name, role: role, servers: try fields.stringArray(object["servers"], at: at + ".servers"),
                tools: try fields.stringArray(object["tools"], at: at + ".tools")))
        }
        return keys
    }

    mutating func readRateLimit(_ raw: Value) throws(ConfigError) -> RateLimit {
        guard case .object(let object) = raw else { throw fields.error("must be an object", at: "server.rate_limit") }
        fields.warnUnknown(object, known: ["requests_per_second", "burst"], at: "server.rate_limit")
        guard let rate = try fields.number(object["requests_per_second"], at: "server.rate_limit.requests_per_second"), rate > 0 else {
            throw fields.error("needs a positive requests_per_second", at: "server.rate_limit")
        }
        let burst = try fields.int(object["burst"], at: "server.rate_limit.burst") ?? max(1, Int(rate.rounded(.up)))
        guard burst >= 1 else { throw fields.error("must be at least 1", at: "server.rate_limit.burst") }
        return RateLimit(perSecond: rate, burst: burst)
    }

    /// The `model` section, or one entry of `models` (`at` names it: `models.fast`).
    mutating func readModel(_ raw: Value, at section: String = "model") throws(ConfigError) -> ModelConfig {
        guard case .object(let object) = raw else { throw fields.error("must be an object", at: section) }
        fields.warnUnknown(object, known: Self.modelKeys, at: section)
        var model = ModelConfig()
        model.baseURL = try fields.string(object["base_url"], at: section + ".base_url")
        model.apiKey = try fields.string(object["api_key"], at: section + ".api_key")
        let alias = try fields.string(object["name"], at: section + ".name")
        model.name = try fields.string(object["model"], at: section + ".model") ?? alias
        model.temperature = try fields.number(object["temperature"], at: section + ".temperature")
        model.maxTokens = try fields.int(object["max_tokens"], at: section + ".max_tokens")
        model.stream = try fields.bool(object["stream"], at: section + ".stream") ?? true
        for header in try fields.headers(object["headers"], at: section + ".headers") { model.headers[header.key] = header.value }
        if let timeout = try fields.duration(object["timeout"], at: section + ".timeout") { model.timeout = timeout }
        if let prices = object["prices"] { model.prices = try readPrices(prices, at: section + ".prices") }
        return model
    }

    /// `prices`: `{"input": 2.5, "output": 10, "currency": "$"}`, per million tokens.
    mutating func readPrices(_ raw: Value, at section: String) throws(ConfigError) -> TokenPrices {
        guard case .object(let object) = raw else { throw fields.error("must be an object with input and output", at: section) }
        fields.warnUnknown(object, known: ["input", "output", "currency"], at: section)
        guard let input = try fields.number(object["input"], at: section + ".input"), input >= 0 else {
            throw fields.error("needs input, a price per million prompt tokens (0 or more)", at: section)
        }
        guard let output = try fields.number(object["output"], at: section + ".output"), output >= 0 else {
            throw fields.error("needs output, a price per million completion tokens (0 or more)", at: section)
        }
        return TokenPrices(input: input, output: output, currency: try fields.string(object["currency"], at: section + ".currency") ?? "$")
    }

    /// `judge_model`: the name of a `models` entry, or a model section (without `base_url`, the
    /// `model` section's endpoint, as in `models`).
    mutating func readJudge(_ raw: Value, config: GatewayConfig) throws(ConfigError) -> ModelConfig {
        if case .string(let name) = raw {
            guard let model = config.models[name] else {
                let known = config.models.isEmpty ? "the config has no models map" : "known: \(config.models.keys.sorted().joined(separator: ", "))"
                throw fields.error("names no entry of models (\(known)); give a name from models, or a model section", at: "judge_model")
            }
            return model
        }
        guard case .object = raw else { throw fields.error("must be the name of a models entry or a model section", at: "judge_model") }
        // Without an endpoint of its own it is the model section's, whatever that is (its default too).
        var model = try readModel(raw, at: "judge_model")
        if model.baseURL == nil {
            model.baseURL = config.model.baseURL
            model.apiKey = model.apiKey ?? config.model.apiKey
            model.headers = config.model.headers.merging(model.headers) { $1 }
        }
        model.name = model.name ?? config.model.name
        return model
    }

    /// `models`: `{"NAME": {the model section's keys}}`. An entry's upstream model defaults to
    /// its NAME; an entry without `base_url` uses the `model` section's endpoint (its base URL,
    /// API key and headers), and one with its own `base_url` never gets that key.
    mutating func readModels(_ raw: Value, defaults: ModelConfig) throws(ConfigError) -> [String: ModelConfig] {
        guard case .object(let object) = raw else { throw fields.error("must be an object of named models", at: "models") }
        var models: [String: ModelConfig] = [:]
        for (name, entry) in object {
            guard !name.isEmpty else { throw fields.error("a model name must not be empty", at: "models") }
            var model = try readModel(entry, at: "models.\(name)", sharing: defaults)
            model.name = model.name ?? name
            models[name] = model
        }
        return models
    }

    /// A model section that, without a `base_url` of its own, uses `defaults`' endpoint (its base
    /// URL, API key and headers); one with its own `base_url` never gets that key.
    mutating func readModel(_ raw: Value, at section: String, sharing defaults: ModelConfig) throws(ConfigError) -> ModelConfig {
        var model = try readModel(raw, at: section)
        if model.baseURL == nil {
            guard defaults.baseURL != nil else {
                throw fields.error("needs a base_url (or one in the model section to share)", at: "\(section).base_url")
            }
            model.baseURL = defaults.baseURL
            model.apiKey = model.apiKey ?? defaults.apiKey
            model.headers = defaults.headers.merging(model.headers) { $1 }
        }
        return model
    }
}
