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

    static let rootKeys: Set<String> = ["model", "system_prompt", "max_tool_iterations", "mcpServers", "manager", "$schema"]
    static let modelKeys: Set<String> = [
        "base_url", "api_key", "model", "name", "temperature", "max_tokens", "stream", "headers", "timeout",
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
        if let manager = object["manager"] {
            config.manager = try fields.readManager(manager)
        }
        config.servers = try fields.readServers(object["mcpServers"])
        config.model = RuntimeEnvironment(fields.environment).applyModelOverrides(to: config.model)
        if config.model.authorizationHeaderIsShadowed {
            fields.warnings.append(
                "\(fields.file): model.headers: the Authorization header is not sent, because an API key is set (model.api_key or OPENAI_API_KEY) and wins")
        }
        config.warnings = fields.warnings
        return config
    }

    mutating func readModel(_ raw: Value) throws(ConfigError) -> ModelConfig {
        guard case .object(let object) = raw else { throw fields.error("must be an object", at: "model") }
        fields.warnUnknown(object, known: Self.modelKeys, at: "model")
        var model = ModelConfig()
        model.baseURL = try fields.string(object["base_url"], at: "model.base_url")
        model.apiKey = try fields.string(object["api_key"], at: "model.api_key")
        let alias = try fields.string(object["name"], at: "model.name")
        model.name = try fields.string(object["model"], at: "model.model") ?? alias
        model.temperature = try fields.number(object["temperature"], at: "model.temperature")
        model.maxTokens = try fields.int(object["max_tokens"], at: "model.max_tokens")
        model.stream = try fields.bool(object["stream"], at: "model.stream") ?? true
        for header in try fields.headers(object["headers"], at: "model.headers") { model.headers[header.key] = header.value }
        if let timeout = try fields.duration(object["timeout"], at: "model.timeout") { model.timeout = timeout }
        return model
    }
}
