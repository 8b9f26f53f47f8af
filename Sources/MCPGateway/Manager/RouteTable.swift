import Locking

/// What the hot path needs of a connected server.
/// A class so that reading it from the table costs one retain, not one per config field.
final class Route: Sendable {
    let client: MCPClient
    let config: MCPServerConfig
    let gate: HealthGate
    /// Tools annotated read-only or idempotent: safe to send twice.
    let repeatable: Set<String>

    init(client: MCPClient, config: MCPServerConfig, gate: HealthGate) {
        (self.client, self.config, self.gate) = (client, config, gate)
        repeatable = Set((client.cachedTools ?? []).filter {
            $0.annotations.readOnlyHint == true || $0.annotations.idempotentHint == true
        }.map(\.name))
    }
}

/// The manager's one table of servers, under one lock: the lifecycle state machine, the routes
/// the hot path reads, and the namespace cached for the state machine's version.
///
/// Only the manager's actor writes it, through `update`, which rebuilds the routes from the
/// state machine in the same critical section: a route can never disagree with the server's
/// state. Tool calls to a healthy server read a route with one lock and one retain, without
/// entering the actor.
struct RouteTable: ~Copyable, Sendable {
    /// Internal, not private: a private type inside a noncopyable struct stored in an actor crashes
    /// the 6.3 compiler ("Global is external, but doesn't have external or weak linkage").
    struct State {
        var machine = ServerStateMachine<MCPClient>()
        /// Ready servers by name, derived from `machine` by `rebuildRoutes` and nowhere else.
        var routes: [String: Route] = [:]
        /// The namespace and the machine version it was computed at.
        var namespace: (version: Int, value: ToolNamespace)?

        /// `force`: the tool lists or servers changed, so every route is rebuilt.
        mutating func rebuildRoutes(force: Bool) {
            var routes: [String: Route] = [:]
            for (name, entry) in machine.servers {
                guard let client = entry.routableClient else { continue }
                // A route whose inputs did not change is kept: rebuilding it would re-read the tool list.
                if !force, let old = self.routes[name], old.client === client, old.gate === entry.gate {
                    routes[name] = old
                } else {
                    routes[name] = Route(client: client, config: entry.config, gate: entry.gate)
                }
            }
            self.routes = routes
        }
    }

    private let state = Locked(State())
    /// Told after every `update` that changed the servers (see ``MCPManager/changes()``).
    let feed = ManagerChangeFeed<MCPManagerChange>()
    /// Servers' log messages (see ``MCPManager/serverLogs()``).
    let logs = ManagerChangeFeed<MCPServerLog>()
    /// Resources servers said changed (see ``MCPManager/resourceUpdates()``).
    let updates = ManagerChangeFeed<MCPResourceUpdate>()

    /// The route of a ready server: the hot path's only read.
    func route(_ server: String) -> Route? {
        state.withLock { $0.routes[server] }
    }

    /// A copy of the state machine, for decisions and status; the actor is its only writer, so a
    /// copy read on the actor stays current until the actor's next `update`.
    var machine: ServerStateMachine<MCPClient> {
        state.withLock { $0.machine }
    }

    /// Reads the state machine under the lock, without copying it.
    func read<Result: Sendable>(_ body: (ServerStateMachine<MCPClient>) -> Result) -> Result {
        state.withLock { body($0.machine) }
    }

    /// Changes the state machine and, in the same critical section, the routes derived from it.
    /// `body` must not block: the hot path waits on this lock. When the version moved, watchers
    /// are told `change` once the lock is released.
    func update<Result: Sendable>(
        change: MCPManagerChange = .servers, _ body: (inout ServerStateMachine<MCPClient>) -> Result
    ) -> Result {
        let (result, changed) = state.withLock { state in
            let before = state.machine.version
            let result = body(&state.machine)
            let changed = state.machine.version != before
            if changed { state.namespace = nil }
            state.rebuildRoutes(force: changed)
            return (result, changed)
        }
        if changed { feed.publish(change) }
        return result
    }

    /// The state machine's version: bumped by every change that can alter the namespace.
    var version: Int {
        state.withLock { $0.machine.version }
    }

    /// The namespace, when one was computed since the last change that can alter it.
    var cachedNamespace: ToolNamespace? {
        state.withLock { state in
            guard let cached = state.namespace, cached.version == state.machine.version else { return nil }
            return cached.value
        }
    }

    /// Keeps `namespace` unless the servers changed since `version`, when it was begun.
    func cache(_ namespace: ToolNamespace, computedAt version: Int) {
        state.withLock { state in
            if state.machine.version == version { state.namespace = (version, namespace) }
        }
    }
}
