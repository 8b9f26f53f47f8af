import Foundation
import MCP
import Synchronization

/// Many MCP servers behind one interface: connects them concurrently, routes calls by server or
/// qualified tool name, and keeps each failure to its own server.
///
/// Every request passes the server's `ServerHealth` first: an open circuit breaker refuses at
/// once, a dead connection (a crashed stdio server, a lost HTTP session) is restarted on use
/// within backoff, and idempotent work is retried with full-jitter backoff. The actor only keeps
/// the books between awaits, so a slow server never holds up calls to another.
///
/// Tool calls to a healthy server take a path that never enters the actor: a lock-guarded table
/// of live routes and the server's `HealthGate` decide, and the actor is consulted only to
/// connect, restart or retry.
public actor MCPManager {
    /// What the hot path needs of a connected server.
    /// A class so that reading it from the table costs one retain, not one per config field.
    final class Route: Sendable {
        let client: MCPClient
        let config: MCPServerConfig
        let gate: HealthGate
        /// Tools annotated read-only or idempotent: safe to send twice.
        let repeatable: Set<String>

        init(client: MCPClient, config: MCPServerConfig, gate: HealthGate, repeatable: Set<String>) {
            (self.client, self.config, self.gate, self.repeatable) = (client, config, gate, repeatable)
        }
    }

    struct Entry {
        var config: MCPServerConfig
        var client: MCPClient?
        var phase: Phase
        let gate: HealthGate
        /// The connect or restart in progress; concurrent callers share it.
        var connecting: Task<Void, Never>?
        var failure: (any Error)?
        var healthCheck: Task<Void, Never>?
        /// Bumped when the entry is replaced, so late results of an old connection are dropped.
        var generation: Int

        /// The client, when the server is ready and its connection alive (a stdio process that
        /// died leaves the entry ready until the next use restarts it).
        var liveClient: MCPClient? {
            guard phase == .ready, let client, client.isConnected else { return nil }
            return client
        }
    }

    enum Phase {
        case connecting, ready, failed, disabled, closed
    }

    var entries: [String: Entry] = [:]
    let options: MCPClientOptions
    /// Retries, breaker and health checks for every server.
    public let policy: ManagerPolicy
    private var generations = 0
    /// Set by `shutdown()`: nothing connects, restarts or registers afterwards.
    private var isShutDown = false
    /// Clients of replaced entries, closing; `shutdown()` waits for them.
    private var closing: [Task<Void, Never>] = []
    /// Bumped by every change that can alter the namespace, so a listing that raced one is not cached.
    private var namespaceVersion = 0
    /// Connected servers by name, for the hot path; kept in step with `entries` by `publish`.
    private nonisolated let routes = Mutex<[String: Route]>([:])
    /// The namespace over every ready server; nil when a server or a tool list changed.
    private nonisolated let namespaceCache = Mutex<ToolNamespace?>(nil)
    private var cachedNamespace: ToolNamespace? {
        get { namespaceCache.withLock { $0 } }
        set { namespaceCache.withLock { $0 = newValue } }
    }

    public init(options: MCPClientOptions = .init(), policy: ManagerPolicy = .init()) {
        self.options = options
        self.policy = policy
    }

    // MARK: - Servers

    /// Adds servers and connects the enabled ones concurrently; returns when all have succeeded or failed.
    /// A server that fails is recorded in `status()`; it never stops the others.
    public func addServers(_ configs: [MCPServerConfig]) async {
        var tasks: [Task<Void, Never>] = []
        for config in configs {
            if let task = register(config) { tasks.append(task) }
        }
        for task in tasks { await task.value }
    }

    /// Adds one server (replacing one of the same name) and connects it; throws its connection error.
    public func addServer(_ config: MCPServerConfig) async throws {
        guard !isShutDown else {
            throw MCPClientError(.notConnected, server: config.name, "the manager was shut down", requestWasNotSent: true)
        }
        await register(config)?.value
        if let entry = entries[config.name], entry.phase == .failed {
            throw entry.failure ?? MCPClientError(.notConnected, server: config.name, "could not connect")
        }
    }

    /// Installs a new entry for `config.name` in one step, retiring any entry it replaces (its
    /// tasks cancelled, its client closed in the background), so there is no moment when calls
    /// find no server and no way for two replacements to leave a client behind.
    @discardableResult
    private func register(_ config: MCPServerConfig) -> Task<Void, Never>? {
        guard !isShutDown else { return nil }
        if let old = entries[config.name] { retire(old) }
        generations += 1
        let generation = generations
        invalidateNamespace()
        var entry = Entry(
            config: config, client: nil, phase: config.enabled ? .connecting : .disabled,
            gate: HealthGate(policy: policy), generation: generation)
        guard config.enabled else {
            entries[config.name] = entry
            return nil
        }
        let task = Task { await self.connect(config.name, generation: generation, attempts: self.policy.retry.attempts) }
        entry.connecting = task
        entries[config.name] = entry
        startHealthChecks(config.name, generation: generation)
        return task
    }

    /// Stops what an entry runs; its client closes in the background (tracked, so shutdown waits).
    private func retire(_ entry: Entry) {
        entry.connecting?.cancel()
        entry.healthCheck?.cancel()
        routes.withLock { if $0[entry.config.name]?.gate === entry.gate { $0[entry.config.name] = nil } }
        if let client = entry.client { closeInBackground(client) }
    }

    private func closeInBackground(_ client: MCPClient) {
        closing.append(Task { await client.close() })
    }

    /// Connects with up to `attempts` tries and backoff between them; a failure that retrying
    /// cannot fix (no such executable, refused credentials) ends the tries at once.
    private func connect(_ name: String, generation: Int, attempts: Int) async {
        guard let config = entries[name]?.config else { return }
        defer {
            if entries[name]?.generation == generation { entries[name]?.connecting = nil }
        }
        var lastError: (any Error)?
        for attempt in 0..<attempts {
            if attempt > 0 {
                try? await Task.sleep(for: policy.retry.delay(forRetry: attempt - 1))
            }
            if Task.isCancelled { break }
            let client = MCPClient(config: config, options: options)
            do {
                try await client.connect()
                // A server is only useful once its tools are known.
                _ = try await client.listTools()
                guard entries[name]?.generation == generation, !Task.isCancelled, !isShutDown else {
                    await client.close()
                    return
                }
                client.onListChanged { [weak self] kind in
                    if kind == .tools { Task { await self?.toolsChanged(name) } }
                }
                entries[name]!.client = client
                entries[name]!.phase = .ready
                entries[name]!.failure = nil
                entries[name]!.gate.connected()
                invalidateNamespace()
                publish(name)
                return
            } catch {
                await client.close()
                lastError = error
                if !Self.isTransient(error) { break }
            }
        }
        guard entries[name]?.generation == generation, !isShutDown, !Task.isCancelled else { return }
        entries[name]!.phase = .failed
        entries[name]!.failure = lastError
        entries[name]!.gate.restartFailed(Self.line(lastError ?? CancellationError()))
        invalidateNamespace()
        publish(name)
    }

    /// Puts a ready server's route in the hot path's table, or takes it out.
    private func publish(_ name: String) {
        let route = entries[name].flatMap { entry -> Route? in
            guard entry.phase == .ready, let client = entry.client else { return nil }
            let repeatable = (client.cachedTools ?? []).filter {
                $0.annotations.readOnlyHint == true || $0.annotations.idempotentHint == true
            }.map(\.name)
            return Route(client: client, config: entry.config, gate: entry.gate, repeatable: Set(repeatable))
        }
        routes.withLock { $0[name] = route }
    }

    /// Replaces a dead connection with a new one (one try; the backoff is the caller's).
    private func restart(_ name: String) -> Task<Void, Never>? {
        guard !isShutDown, var entry = entries[name] else { return nil }
        if let running = entry.connecting { return running }
        let old = entry.client
        let generation = entry.generation
        entry.client = nil
        entry.phase = .connecting
        routes.withLock { $0[name] = nil }
        let task = Task {
            await old?.close()
            await self.connect(name, generation: generation, attempts: 1)
        }
        entry.connecting = task
        entries[name] = entry
        invalidateNamespace()
        return task
    }

    /// Shuts a server down and forgets it.
    public func removeServer(named name: String) async {
        guard let entry = entries.removeValue(forKey: name) else { return }
        routes.withLock { $0[name] = nil }
        invalidateNamespace()
        entry.connecting?.cancel()
        entry.healthCheck?.cancel()
        await entry.client?.close()
        // A connect that was under way may have produced a client before it saw the cancellation.
        await entry.connecting?.value
    }

    /// Brings the servers in line with `configs`: new ones are added, missing ones shut down,
    /// changed ones restarted, identical ones left running. Returns when every started server
    /// is connected or has failed.
    @discardableResult
    public func apply(_ configs: [MCPServerConfig]) async -> ConfigDiff {
        let diff = ConfigDiff(old: entries.values.map(\.config), new: configs)
        // The replacements are in place before anything awaits, so calls never find a gap.
        var tasks: [Task<Void, Never>] = []
        for config in diff.changed + diff.added {
            if let task = register(config) { tasks.append(task) }
        }
        for name in diff.removed { await removeServer(named: name) }
        for task in tasks { await task.value }
        return diff
    }

    /// The names of all servers, sorted.
    public var serverNames: [String] { entries.keys.sorted() }

    /// Closes every server (stdio children are terminated and reaped).
    public func shutdown() async {
        isShutDown = true
        routes.withLock { $0.removeAll() }
        for name in entries.keys {
            entries[name]!.connecting?.cancel()
            entries[name]!.healthCheck?.cancel()
            entries[name]!.phase = .closed
        }
        let clients = entries.values.compactMap(\.client)
        let pending = entries.values.compactMap(\.connecting) + closing
        closing = []
        await withTaskGroup(of: Void.self) { group in
            for client in clients { group.addTask { await client.close() } }
            // Connects finish their own cleanup once cancelled; wait, so no child outlives shutdown.
            for task in pending { group.addTask { await task.value } }
        }
        for name in entries.keys { entries[name]?.connecting = nil }
    }

    // MARK: - Routing

    /// The connected client for `name`, restarted first if its connection died (within backoff);
    /// otherwise an error that says why there is none.
    public func client(named name: String) async throws -> MCPClient {
        try await admit(name).client
    }

    /// Passes the server's health gate: waits for a connect in progress, restarts a dead
    /// connection at most once, and refuses at once while the breaker is open.
    private func admit(_ name: String) async throws -> (client: MCPClient, gate: HealthGate) {
        var restarted = false
        while true {
            guard let entry = entries[name] else {
                let known = entries.keys.sorted().joined(separator: ", ")
                throw MCPClientError(
                    .notConnected, server: name, "no such server (configured: \(known.isEmpty ? "none" : known))",
                    requestWasNotSent: true)
            }
            switch entry.phase {
            case .disabled:
                throw MCPClientError(.notConnected, server: name, "the server is disabled in the configuration", requestWasNotSent: true)
            case .closed:
                throw MCPClientError(.notConnected, server: name, "the manager was shut down", requestWasNotSent: true)
            default:
                break
            }
            if let connecting = entry.connecting {
                await connecting.value
                continue
            }
            let live = entry.liveClient
            let connected = live != nil
            if !connected && restarted {
                throw entry.failure ?? MCPClientError(.notConnected, server: name, "could not restart the server", requestWasNotSent: true)
            }
            switch entry.gate.admit(connected: connected, now: .now) {
            case .proceed:
                return (live!, entry.gate)
            case .restart:
                restarted = true
                await restart(name)?.value
            case .breakerOpen(let retryAfter):
                throw MCPManagerError.circuitOpen(server: name, retryAfter: retryAfter, lastError: entry.gate.snapshot.lastError)
            case .restartBackoff(let retryAfter):
                throw MCPManagerError.restartBackoff(server: name, retryAfter: retryAfter, lastError: entry.gate.snapshot.lastError)
            }
        }
    }

    /// Runs `body` against the server through its health gate, recording the outcome; retries
    /// with backoff while the failure is the server's and `retryable` allows it.
    /// `attemptsMade`: tries already spent on the hot path, so the total stays within the policy.
    func perform<T: Sendable>(
        _ name: String, attemptsMade: Int = 0, retryable: @Sendable (any Error) -> Bool = { _ in true },
        _ body: @Sendable (MCPClient) async throws -> T
    ) async throws -> T {
        var attempt = attemptsMade
        if attempt > 0 { try await Task.sleep(for: policy.retry.delay(forRetry: attempt - 1)) }
        while true {
            let (client, gate) = try await admit(name)
            let started = ContinuousClock.now
            do {
                let value = try await body(client)
                gate.record(nil, started: started, on: client)
                return value
            } catch {
                gate.record(error, started: started, on: client)
                attempt += 1
                guard Self.mayRetry(error, attempt: attempt, of: policy.retry.attempts, retryable: retryable) else { throw error }
                try await Task.sleep(for: policy.retry.delay(forRetry: attempt - 1))
            }
        }
    }

    nonisolated static func mayRetry(_ error: any Error, attempt: Int, of attempts: Int, retryable: (any Error) -> Bool) -> Bool {
        attempt < attempts && verdict(error) == .serverFault && retryable(error) && !Task.isCancelled
    }

    // MARK: - Tools

    /// Every exposed tool of every usable server, with its server, sorted by server then tool.
    public func listAvailableTools() async -> [(server: String, tool: Tool)] {
        var result: [(String, Tool)] = []
        for name in entries.keys.sorted() {
            guard let entry = entries[name], entry.phase == .ready, let client = entry.client else { continue }
            let tools = (try? await client.listTools()) ?? []
            for tool in tools where entry.config.exposes(tool: tool.name) {
                result.append((name, tool))
            }
        }
        return result
    }

    /// Every exposed tool under its gateway-wide qualified name (`server__tool`), the namespace
    /// models see. Name clashes are resolved deterministically; `namespace().collisions` says how.
    public func tools() async -> [QualifiedTool] {
        await namespace().tools
    }

    /// The namespace over every ready server's exposed tools; cached until a server or a tool list changes.
    public func namespace() async -> ToolNamespace {
        if let cachedNamespace { return cachedNamespace }
        let version = namespaceVersion
        let namespace = ToolNamespace(await listAvailableTools())
        if version == namespaceVersion { cachedNamespace = namespace }
        return namespace
    }

    /// A server's tool list changed: the namespace and its route's annotations are rebuilt.
    func toolsChanged(_ name: String) {
        invalidateNamespace()
        publish(name)
    }

    private func invalidateNamespace() {
        namespaceVersion += 1
        cachedNamespace = nil
    }

    /// Calls `tool` on `server`; a tool hidden by allowed_tools/disabled_tools is refused.
    ///
    /// Retried only when the request never reached the server, or when the tool is annotated
    /// read-only or idempotent: other tools may have side effects.
    public nonisolated func callTool(
        server: String, tool: String, arguments: [String: Value]? = nil, timeout: Duration? = nil,
        onProgress: MCPProgressHandler? = nil
    ) async throws -> CallTool.Result {
        var attemptsMade = 0
        // The hot path: a connected server whose breaker lets the call through.
        if let route = routes.withLock({ $0[server] }), route.client.isConnected, route.config.exposes(tool: tool) {
            switch route.gate.admit(connected: true, now: .now) {
            case .breakerOpen(let retryAfter):
                throw MCPManagerError.circuitOpen(server: server, retryAfter: retryAfter, lastError: route.gate.snapshot.lastError)
            case .proceed:
                let started = ContinuousClock.now
                do {
                    let result = try await route.client.callTool(tool, arguments: arguments, timeout: timeout, onProgress: onProgress)
                    route.gate.record(nil, started: started, on: route.client)
                    return result
                } catch {
                    route.gate.record(error, started: started, on: route.client)
                    let repeatable = route.repeatable.contains(tool)
                    guard Self.mayRetry(error, attempt: 1, of: policy.retry.attempts, retryable: { Self.maySendAgain($0, repeatable: repeatable) })
                    else { throw error }
                    attemptsMade = 1
                }
            case .restart, .restartBackoff:
                break
            }
        }
        return try await routedCall(
            server: server, tool: tool, arguments: arguments, timeout: timeout, onProgress: onProgress, attemptsMade: attemptsMade)
    }

    /// A tool call is sent again only if the first never arrived, or the tool says it is safe.
    nonisolated static func maySendAgain(_ error: any Error, repeatable: Bool) -> Bool {
        repeatable || (error as? MCPClientError)?.requestWasNotSent == true
    }

    /// The call through the actor: connects or restarts the server as needed, and retries.
    private func routedCall(
        server: String, tool: String, arguments: [String: Value]?, timeout: Duration?, onProgress: MCPProgressHandler?,
        attemptsMade: Int
    ) async throws -> CallTool.Result {
        guard let config = entries[server]?.config, config.exposes(tool: tool) else {
            if entries[server] == nil { _ = try await admit(server) }
            throw MCPClientError(.server(code: -32602), server: server, method: "tools/call", "tool '\(tool)' is disabled by the configuration")
        }
        return try await perform(server, attemptsMade: attemptsMade, retryable: { error in
            Self.maySendAgain(error, repeatable: self.routes.withLock { $0[server] }?.repeatable.contains(tool) ?? false)
        }) { client in
            try await client.callTool(tool, arguments: arguments, timeout: timeout, onProgress: onProgress)
        }
    }

    /// Calls a tool by its qualified name; an unknown name is refused with the closest known names.
    public nonisolated func callTool(
        qualifiedName: String, arguments: [String: Value]? = nil, timeout: Duration? = nil,
        onProgress: MCPProgressHandler? = nil
    ) async throws -> CallTool.Result {
        let cached = namespaceCache.withLock { $0 }
        let namespace = if let cached { cached } else { await namespace() }
        guard let target = namespace.resolve(qualifiedName) else {
            throw MCPManagerError.unknownTool(qualifiedName, suggestions: namespace.closestNames(to: qualifiedName))
        }
        return try await callTool(
            server: target.server, tool: target.tool.name, arguments: arguments, timeout: timeout, onProgress: onProgress)
    }

    // MARK: - Status

    /// Per-server state, in name order.
    public func status() async -> [ServerStatus] {
        var result: [ServerStatus] = []
        for name in entries.keys.sorted() {
            // Awaiting the token manager below lets other work run: a server may be gone by now.
            guard let entry = entries[name] else { continue }
            let client = entry.client
            let alive = entry.liveClient != nil
            let health = entry.gate.snapshot
            let state: ServerStatus.State
            switch entry.phase {
            case .connecting: state = .connecting
            case .disabled: state = .disabled
            case .closed: state = .closed
            case .failed: state = .failed
            case .ready: state = !alive ? .failed : health.isDegraded ? .degraded : .ready
            }
            var error = health.lastError ?? entry.failure.map(Self.line)
            if entry.phase == .ready && !alive, let reason = client?.closeReason { error = reason.description }
            result.append(ServerStatus(
                name: name,
                transport: client?.transportName ?? entry.config.transport.rawValue,
                state: state,
                endpoint: entry.config.endpointDescription,
                protocolVersion: client?.protocolVersion,
                serverName: client?.serverInfo?.name,
                serverVersion: client?.serverInfo?.version,
                tools: alive ? client?.cachedTools.map { $0.filter { entry.config.exposes(tool: $0.name) }.count } : nil,
                error: state == .ready ? nil : error,
                lastLatencyMs: health.latencies.last.map(\.milliseconds),
                p50LatencyMs: health.latencies.median.map(\.milliseconds),
                consecutiveFailures: health.consecutiveFailures,
                circuit: health.breaker.label,
                tokenExpiresAt: await options.tokenManager.expiry(for: entry.config)))
        }
        return result
    }

    /// Renews every OAuth2 token now, concurrently (ahead of a planned revocation, or to check that
    /// credentials still work); returns the failures by server. Calls keep flowing meanwhile.
    @discardableResult
    public func refreshTokens() async -> [String: OAuth2Error] {
        let failures = await options.tokenManager.refreshAll()
        guard !failures.isEmpty else { return [:] }
        var byServer: [String: OAuth2Error] = [:]
        for config in entries.values.map(\.config) {
            if let key = await options.tokenManager.credentials(for: config)?.key, let failure = failures[key] {
                byServer[config.name] = failure
            }
        }
        return byServer
    }

    // MARK: - Health checks

    private func startHealthChecks(_ name: String, generation: Int) {
        guard let config = entries[name]?.config, let interval = policy.healthCheckInterval(for: config) else { return }
        entries[name]?.healthCheck = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard !Task.isCancelled, let self else { return }
                await self.checkHealth(name, generation: generation)
            }
        }
    }

    /// Pings the server through its health gate: a failure counts toward the breaker, a dead
    /// connection is restarted within backoff, and a success closes a half-open breaker.
    public func checkHealth(_ name: String) async {
        guard let generation = entries[name]?.generation else { return }
        await checkHealth(name, generation: generation)
    }

    private func checkHealth(_ name: String, generation: Int) async {
        guard let entry = entries[name], entry.generation == generation, entry.connecting == nil,
              entry.phase == .ready || entry.phase == .failed
        else { return }
        let limit = entry.config.timeout
        _ = try? await perform(name, retryable: { _ in false }) { client in try await client.ping(timeout: limit) }
    }

    // MARK: - Failure classification

    enum Verdict: Equatable {
        /// The server or the way to it failed: counts toward the breaker and may be retried.
        case serverFault
        /// The server answered (a JSON-RPC error is still an answer).
        case answered
        /// The caller gave up; says nothing about the server.
        case abandoned
    }

    nonisolated static func verdict(_ error: any Error) -> Verdict {
        switch error {
        case let error as MCPClientError:
            switch error.kind {
            case .server: return .answered
            case .cancelled: return .abandoned
            default: return .serverFault
            }
        case is CancellationError: return .abandoned
        case is MCPManagerError: return .abandoned
        default: return .serverFault
        }
    }

    /// Whether another connect attempt might succeed.
    static func isTransient(_ error: any Error) -> Bool {
        guard let error = error as? MCPClientError else { return !(error is CancellationError) }
        switch error.kind {
        case .transport(.spawnFailed), .transport(.unauthorized), .unsupportedVersion, .cancelled: return false
        case .transport(.httpStatus(let code)): return code == 408 || code == 429 || code >= 500
        default: return true
        }
    }

    nonisolated static func line(_ error: any Error) -> String {
        "\(error)".split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}

/// Runs `body` with a manager holding `configs`, and always shuts every server down afterwards.
public func withMCPManager<T: Sendable>(
    _ configs: [MCPServerConfig], options: MCPClientOptions = .init(), policy: ManagerPolicy = .init(),
    _ body: (MCPManager) async throws -> T
) async throws -> T {
    let manager = MCPManager(options: options, policy: policy)
    await manager.addServers(configs)
    do {
        let result = try await body(manager)
        await manager.shutdown()
        return result
    } catch {
        await manager.shutdown()
        throw error
    }
}
