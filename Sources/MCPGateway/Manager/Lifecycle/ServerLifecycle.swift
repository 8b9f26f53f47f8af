import MCP

/// What the lifecycle needs to know of a connection: whether it is still alive, and the tools it
/// listed. `MCPClient` is the real one; tests use a stand-in, so the lifecycle is tested without
/// processes or ports.
protocol LifecycleConnection: AnyObject, Sendable {
    var isConnected: Bool { get }
    var cachedTools: [Tool]? { get }
}

extension MCPClient: LifecycleConnection {}

/// One registration of one server, as a pure value: its phase, its client, why it last failed,
/// and whether a connect is under way. `ServerStateMachine` changes it; nothing here does I/O.
struct ServerLifecycle<Client: LifecycleConnection>: Sendable {
    /// Where the server stands.
    enum Phase: Sendable, Equatable {
        case connecting, ready, failed, disabled, closed
    }

    let config: MCPServerConfig
    /// The server's breaker and failure counts; one per registration, so a replaced server starts afresh.
    let gate: HealthGate
    /// Unique across every registration of every server: results of a replaced one are dropped by it.
    let generation: Int
    var phase: Phase
    /// The connection of the latest successful connect (kept when it dies, until a restart replaces it).
    var client: Client?
    /// Why the latest connect failed.
    var failure: (any Error)?
    /// A connect or restart of this generation is running; callers wait for it rather than start another.
    var isConnecting: Bool
    /// The tools of the connection a restart is replacing, offered until the restart ends: a call
    /// made meanwhile waits for the new connection instead of finding no such tool (the soak test,
    /// Benchmarks/soak.py, saw 404s in the moment after a stdio server was killed).
    var toolsDuringRestart: [Tool]?

    init(config: MCPServerConfig, gate: HealthGate, generation: Int) {
        self.config = config
        self.gate = gate
        self.generation = generation
        phase = config.enabled ? .connecting : .disabled
        isConnecting = config.enabled
    }

    /// The client, when the server is ready and its connection alive (a stdio process that died
    /// leaves the server ready until the next use restarts it).
    var liveClient: Client? {
        guard phase == .ready, let client, client.isConnected else { return nil }
        return client
    }

    /// The client the hot path may use: ready, whatever the connection's health (it checks that itself).
    var routableClient: Client? {
        phase == .ready ? client : nil
    }

    /// Whether a health check may ping now: not while connecting, and only a server that has been tried.
    var isCheckable: Bool {
        !isConnecting && (phase == .ready || phase == .failed)
    }
}
