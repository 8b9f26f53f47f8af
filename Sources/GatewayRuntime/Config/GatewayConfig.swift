import MCPGateway
import ModelClient

/// The whole `lmg` configuration file: the application's settings around the MCP sections.
///
/// Prints without secrets: its parts redact their keys, tokens and credential headers.
public struct GatewayConfig: Sendable, Hashable {
    /// The model endpoint (`model`).
    public var model: ModelConfig
    /// The system message of every conversation (`system_prompt`).
    public var systemPrompt: String?
    /// How many model turns with tool calls one exchange may take.
    public var maxToolIterations: Int
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
        "GatewayConfig(path: \(path ?? "<embedded default>"), model: \(model), servers: \(servers.map(\.name)))"
    }

    public var debugDescription: String { description }
}

/// The `server` section: where and how `lmg serve` listens.
public struct ServeSettings: Sendable, Hashable {
    /// Loopback by default: the gateway reaches every configured server.
    public var host: String = "127.0.0.1"
    public var port: Int = 8000
    /// A larger request body is refused with 413.
    public var maxBodyBytes: Int = 4 << 20
    /// How long requests in flight may take to finish after SIGTERM or SIGINT.
    public var gracePeriod: Duration = .seconds(10)

    public init() {}

    /// True for 127.0.0.0/8, ::1 and `localhost`: the only binds allowed without API keys.
    public static func isLoopback(_ host: String) -> Bool {
        let lower = host.lowercased()
        if lower == "localhost" || lower == "::1" || lower == "[::1]" { return true }
        let parts = lower.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}
