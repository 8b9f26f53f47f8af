/// Every server's lifecycle as one pure value, in the style of async-http-client's connection
/// pool state machine: each method takes an event (connect requested, succeeded, failed, ended,
/// a restart, a replacement, a removal, shutdown), updates the books, and returns what the
/// manager must do (start a connect, close a client, cancel a generation's tasks). The
/// `MCPManager` actor performs the actions; the state machine never awaits and never does I/O,
/// so every transition is tested without servers, ports or clocks.
struct ServerStateMachine<Client: LifecycleConnection>: Sendable {
    /// Something the manager must do after an event.
    enum Action: Sendable {
        /// Start a connect task for `name` at `generation` with up to `attempts` tries; close
        /// `closingFirst` (a dead connection being replaced) before the first.
        case connect(name: String, generation: Int, attempts: Int, closingFirst: Client?)
        /// Start periodic health checks for this generation (when the policy has an interval).
        case startHealthChecks(name: String, generation: Int)
        /// Cancel the connect and health-check tasks of a generation.
        case cancel(generation: Int)
        /// Close a client no entry holds any more, in the background (shutdown waits for it).
        case closeInBackground(Client)
    }

    /// What a connect that produced a client must do with it.
    enum ConnectOutcome: Sendable {
        /// It is the server's client now: mark the server healthy and listen for tool-list changes.
        case adopt
        /// The server was replaced, removed or shut down meanwhile: close it now.
        case discard
    }

    /// What a restart request comes to.
    enum Restart: Sendable {
        /// A connect of this generation is already running: wait for it.
        case join(generation: Int)
        /// Start this connect.
        case start(Action)
        /// The server is gone, or the manager shut down.
        case none
    }

    /// What to do with a request for a server, before the health gate is asked.
    enum Admission: Sendable {
        /// Refuse at once; the error names the server and what to do.
        case refuse(MCPManagerError)
        /// A connect is running: wait for it, then ask again.
        case awaitConnect(generation: Int)
        /// Ask the server's gate; `live` is its client when the connection is alive.
        case consult(gate: HealthGate, live: Client?, failure: (any Error)?)
    }

    /// What a removal left to clean up.
    struct Removal: Sendable {
        let generation: Int
        let client: Client?
    }

    /// What shutdown left to clean up.
    struct Shutdown: Sendable {
        let generations: [Int]
        let clients: [Client]
    }

    private(set) var servers: [String: ServerLifecycle<Client>] = [:]
    /// Set by `shutdown()`: nothing connects, restarts or registers afterwards.
    private(set) var isShutDown = false
    private var generations = 0
    /// Bumped by every change that can alter the tool namespace, so a listing that raced one is not cached.
    private(set) var version = 0

    /// The names of all servers, sorted.
    var names: [String] { servers.keys.sorted() }

    /// Installs a new registration of `config.name` in one step, retiring any it replaces, so
    /// there is no moment when calls find no server and no way for two replacements to leave a
    /// client behind. `gate` is the new registration's (a fresh one, so its history starts empty).
    mutating func register(_ config: MCPServerConfig, gate: HealthGate, attempts: Int) -> [Action] {
        guard !isShutDown else { return [] }
        var actions: [Action] = []
        if let old = servers[config.name] {
            actions.append(.cancel(generation: old.generation))
            if let client = old.client { actions.append(.closeInBackground(client)) }
        }
        generations += 1
        version += 1
        let entry = ServerLifecycle<Client>(config: config, gate: gate, generation: generations)
        servers[config.name] = entry
        guard config.enabled else { return actions }
        actions.append(.connect(name: config.name, generation: generations, attempts: attempts, closingFirst: nil))
        actions.append(.startHealthChecks(name: config.name, generation: generations))
        return actions
    }

    /// A connect produced a working client. `cancelled`: the connect task was cancelled meanwhile.
    mutating func connectSucceeded(_ name: String, generation: Int, client: Client, cancelled: Bool) -> ConnectOutcome {
        guard servers[name]?.generation == generation, !cancelled, !isShutDown else { return .discard }
        servers[name]!.client = client
        servers[name]!.phase = .ready
        servers[name]!.failure = nil
        servers[name]!.toolsDuringRestart = nil
        version += 1
        return .adopt
    }

    /// Every try of a connect failed; returns whether the failure is the server's to record
    /// (false when the server was replaced, removed or shut down meanwhile, or the task cancelled).
    mutating func connectFailed(_ name: String, generation: Int, error: any Error, cancelled: Bool) -> Bool {
        guard servers[name]?.generation == generation, !isShutDown, !cancelled else { return false }
        servers[name]!.phase = .failed
        servers[name]!.failure = error
        servers[name]!.toolsDuringRestart = nil
        version += 1
        return true
    }

    /// A connect task of `generation` returned, whatever its outcome.
    mutating func connectEnded(_ name: String, generation: Int) {
        if servers[name]?.generation == generation { servers[name]!.isConnecting = false }
    }

    /// Replaces a dead connection with a new one (one try; the backoff is the caller's).
    mutating func restartRequested(_ name: String) -> Restart {
        guard !isShutDown, var entry = servers[name] else { return .none }
        if entry.isConnecting { return .join(generation: entry.generation) }
        let old = entry.client
        entry.toolsDuringRestart = old?.cachedTools
        entry.client = nil
        entry.phase = .connecting
        entry.isConnecting = true
        servers[name] = entry
        version += 1
        return .start(.connect(name: name, generation: entry.generation, attempts: 1, closingFirst: old))
    }

    /// A server's tool list changed: the namespace must be rebuilt.
    mutating func toolsChanged() {
        version += 1
    }

    /// Forgets a server; nil when there was none.
    mutating func remove(_ name: String) -> Removal? {
        guard let entry = servers.removeValue(forKey: name) else { return nil }
        version += 1
        return Removal(generation: entry.generation, client: entry.client)
    }

    /// Closes every server: nothing connects, restarts or registers afterwards. Clients stay in
    /// their entries, so the status still shows what each one was.
    mutating func shutdown() -> Shutdown {
        isShutDown = true
        var generations: [Int] = []
        for name in servers.keys {
            generations.append(servers[name]!.generation)
            servers[name]!.phase = .closed
            servers[name]!.isConnecting = false
        }
        return Shutdown(generations: generations, clients: servers.values.compactMap(\.client))
    }

    /// Decides what a request for `name` meets before its health gate.
    func admission(_ name: String) -> Admission {
        guard let entry = servers[name] else { return .refuse(.unknownServer(name, known: names)) }
        switch entry.phase {
        case .disabled: return .refuse(.disabled(server: name))
        case .closed: return .refuse(.shutDown(server: name))
        case .connecting, .ready, .failed: break
        }
        if entry.isConnecting { return .awaitConnect(generation: entry.generation) }
        return .consult(gate: entry.gate, live: entry.liveClient, failure: entry.failure)
    }
}
