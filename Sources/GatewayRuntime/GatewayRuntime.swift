import Foundation
import Logging
import EventLoops
import MCPGateway
import ModelClient
import Orchestrator

/// The composition root every front end shares — `lmg run`, `lmg chat`, the gateway, prompt
/// tests, an app: from a configuration it builds the MCP manager, the model client and
/// orchestrators, wired one way, so that a setting means the same thing everywhere.
///
/// ```swift
/// let runtime = try GatewayRuntime.load(configPath: nil, overrides: ConfigOverrides(model: "gpt-4o-mini"))
/// _ = try await runtime.connect(requirement: .none)
/// let answer = try await runtime.makeOrchestrator().run("What time is it in Tokyo?").answer
/// await runtime.shutdown()
/// ```
public final class GatewayRuntime: Sendable {
    /// The configuration in force: the file, then the environment, then the overrides applied.
    public let config: GatewayConfig
    /// The environment it was resolved from.
    public let environment: RuntimeEnvironment
    /// Every configured server; empty until ``connect(_:requirement:)``.
    public let manager: MCPManager
    /// The model the orchestrators talk to.
    public let model: any ChatModel
    /// The models a gateway's caller picks by name (`models`, else `model` under any name).
    public let models: ModelCatalog
    /// People's sign-ins to HTTP servers (`lmg login`): `$XDG_STATE_HOME/lmg/oauth.json`.
    public let signIns: any SignInStore

    /// Builds the parts from a configuration already loaded (with ``ConfigOverrides`` applied).
    /// `model` stands in for the configured OpenAI-compatible endpoint (a scripted model in
    /// tests, an app's own backend); `models` likewise for entries of the `models` map, by name.
    /// `answeredInputs`: what the front end answers when a server asks (the gateway's `/mcp`
    /// relays elicitation and sampling to its own clients; `lmg chat` asks the person), so
    /// servers are told they may ask it.
    public init(
        config: GatewayConfig, environment: RuntimeEnvironment = .init(), model: (any ChatModel)? = nil,
        models: [String: any ChatModel] = [:], answeredInputs: ServerInputs = []
    ) {
        self.config = config
        self.environment = environment
        self.model = model ?? OpenAIChatClient(config: config.model)
        var named: [String: any ChatModel] = config.models.mapValues { OpenAIChatClient(config: $0) }
        named.merge(models) { $1 }
        self.models = ModelCatalog(named: named, fallback: self.model)
        signIns = FileSignInStore(path: environment.signInPath)
        var options = MCPClientOptions(
            clientName: "lmg", clientVersion: LMGVersion.current, logDirectory: environment.serverLogDirectory,
            signIns: signIns, commandAliases: SelfExecutable.aliases, answeredInputs: answeredInputs)
        options.tracesArguments = config.traceArguments
        manager = MCPManager(options: options, policy: config.manager)
    }

    /// Finds and loads the configuration (`configPath`, else `$LMG_CONFIG`, `./Config/lmg.json`,
    /// `~/.config/lmg/lmg.json`, else the embedded default) and builds the parts.
    public static func load(
        configPath: String?, overrides: ConfigOverrides = .init(), environment: RuntimeEnvironment = .init(),
        model: (any ChatModel)? = nil, answeredInputs: ServerInputs = []
    ) throws(ConfigError) -> GatewayRuntime {
        let config = try ConfigLoader(environment: environment.variables).load(explicit: configPath)
        return GatewayRuntime(config: config.applying(overrides), environment: environment, model: model, answeredInputs: answeredInputs)
    }

    /// A new conversation over the manager and the model: the config's system prompt, iteration
    /// limit and `model_resources`, then whatever `adjust` sets (approval, vision). A gateway
    /// passes the model its caller named and a router narrowed to that caller's tools.
    public func makeOrchestrator(
        model: (any ChatModel)? = nil, router: (any ToolRouter)? = nil, _ adjust: (inout OrchestratorOptions) -> Void = { _ in }
    ) -> Orchestrator {
        var options = OrchestratorOptions(systemPrompt: config.systemPrompt, maxToolIterations: config.maxToolIterations)
        options.modelResources = config.modelResources
        adjust(&options)
        return Orchestrator(manager: router ?? manager, model: model ?? self.model, options: options)
    }

    /// Connects `servers` (every configured one by default) concurrently and decides by
    /// `requirement` whether the front end may go on; returns the failures to name once.
    @discardableResult
    public func connect(
        _ servers: [MCPServerConfig]? = nil, requirement: Reachability.Requirement
    ) async throws(RuntimeFailure) -> [String] {
        await manager.addServers(servers ?? config.servers)
        switch Reachability.evaluate(await manager.status(), requirement: requirement) {
        case .proceed(let failures):
            return failures
        case .stop(let failures, let message):
            await manager.shutdown()
            throw RuntimeFailure(message, category: .unreachable, notes: failures)
        }
    }

    /// The configured servers to start: all of them, or only `name` (which must exist).
    public func servers(only name: String?) throws(RuntimeFailure) -> [MCPServerConfig] {
        guard let name else { return config.servers }
        guard let server = config.server(named: name) else {
            let known = config.servers.map(\.name)
            let hint = NameSuggestion.closest(to: name, in: known).map { " (did you mean '\($0)'?)" } ?? ""
            throw .usage("no server named '\(name)' in \(config.path ?? "the configuration")\(hint) (configured: \(known.isEmpty ? "none" : known.joined(separator: ", ")))")
        }
        return [server]
    }

    /// Watches the config file, if there is one, applying server edits as they are saved.
    /// `logger` records every reload (a front end that reports them itself may quiet it).
    public func makeReloader(
        logger: Logger = Logger(label: "lmg.reload"),
        alongside: @escaping @Sendable ([MCPServerConfig]) async -> [MCPServerConfig] = { _ in [] },
        onEvent: @escaping @Sendable (ConfigReloader.Event) async -> Void
    ) -> ConfigReloader? {
        guard let path = config.path else { return nil }
        return ConfigReloader(
            manager: manager, path: path, loader: ConfigLoader(environment: environment.variables), logger: logger,
            alongside: alongside, onEvent: onEvent)
    }

    /// Shuts every server down (stdio children terminated and reaped).
    public func shutdown() async {
        await manager.shutdown()
    }

    /// What a program (not a library) sets up once at start: logs on stderr, no child outliving
    /// it on `terminationSignals`, and the I/O loops' polling window from `LMG_SPIN_US`. A
    /// program that ends gracefully on some signals itself (`lmg serve`) leaves them out.
    public static func prepareProcess(
        verbose: Bool, environment: RuntimeEnvironment = .init(), terminationSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP]
    ) {
        LogSetup.bootstrapOnce(verbose: verbose)
        TerminationSignals.install(terminationSignals)
        BusyPoll.overrideWindow(environment.busyPollWindow)
    }
}
