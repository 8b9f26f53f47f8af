import MCPGateway
import ModelClient

/// The whole `lmg` configuration file: the application's settings around the MCP sections.
///
/// Prints without secrets: its parts redact their keys, tokens and credential headers.
public struct GatewayConfig: Sendable, Hashable {
    /// The model endpoint (`model`).
    public var model: ModelConfig
    /// Named upstream models (`models`), which the gateway's `/v1/chat/completions` picks by the
    /// request's `model`; empty: the `model` section answers every name.
    public var models: [String: ModelConfig] = [:]
    /// The model that grades prompt tests' `judge` checks (`judge_model`: an entry of `models`
    /// by name, or a model section of its own); nil: the test's own model grades.
    public var judgeModel: ModelConfig?
    /// The system message of every conversation (`system_prompt`).
    public var systemPrompt: String?
    /// How many model turns with tool calls one exchange may take.
    public var maxToolIterations: Int
    /// Whether models may list and read the servers' resources themselves (`model_resources`,
    /// default true; a server opts out with `resources: false`).
    public var modelResources: Bool = true
    /// Whether trace spans of tool calls carry their arguments (`trace_arguments`, default false:
    /// arguments may hold what a trace store should not).
    public var traceArguments: Bool = false
    /// The prompt templates' folder (`prompts_dir`, relative to the config file); nil: `./Prompts`.
    public var promptsDirectory: String?
    /// Retries, circuit breaker and health checks for every server (`manager`).
    public var manager: ManagerPolicy
    /// Sorted by name, so listings and collision handling are deterministic.
    public var servers: [MCPServerConfig]
    /// How `lmg serve` listens (`server`).
    public var server: ServeSettings = .init()
    /// Where it was read from; nil for the embedded default.
    public var path: String?
    /// Unknown keys and other non-fatal findings, one line each, naming file and field.
    public var warnings: [String]

    public init(
        model: ModelConfig = .init(), systemPrompt: String? = nil, maxToolIterations: Int = 10,
        manager: ManagerPolicy = .init(), servers: [MCPServerConfig] = [], path: String? = nil, warnings: [String] = []
    ) {
        self.manager = manager
        self.model = model
        self.systemPrompt = systemPrompt
        self.maxToolIterations = maxToolIterations
        self.servers = servers.sorted { $0.name < $1.name }
        self.path = path
        self.warnings = warnings
    }

    /// The server named `name`.
    public func server(named name: String) -> MCPServerConfig? {
        servers.first { $0.name == name }
    }
}

extension GatewayConfig: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String {
        "GatewayConfig(path: \(path ?? "<embedded default>"), model: \(model), models: \(models.keys.sorted()), servers: \(servers.map(\.name)))"
    }

    public var debugDescription: String { description }
}
