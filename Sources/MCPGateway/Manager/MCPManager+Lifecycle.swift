import Foundation

/// Adding, connecting, restarting, replacing, removing and shutting down servers: each step an
/// event for the state machine in the route table, and the actions it returns carried out here.
extension MCPManager {
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
        guard !table.read(\.isShutDown) else { throw MCPManagerError.shutDown(server: config.name) }
        await register(config)?.value
        if let entry = table.read({ $0.servers[config.name] }), entry.phase == .failed {
            throw entry.failure ?? MCPClientError(.notConnected, server: config.name, "could not connect")
        }
    }

    /// Installs a new registration for `config.name`, retiring any it replaces; returns its connect.
    @discardableResult
    func register(_ config: MCPServerConfig) -> Task<Void, Never>? {
        let gate = HealthGate(policy: policy)
        let attempts = policy.retry.attempts
        return carryOut(table.update(change: .server(config.name)) { $0.register(config, gate: gate, attempts: attempts) })
    }

    /// Connects with up to `attempts` tries and backoff between them; a failure that retrying
    /// cannot fix (no such executable, refused credentials) ends the tries at once.
    func connect(_ name: String, generation: Int, attempts: Int) async {
        guard let config = table.read({ $0.servers[name]?.config }) else { return }
        defer {
            table.update(change: .server(name)) { $0.connectEnded(name, generation: generation) }
            work[generation]?.connect = nil
        }
        var lastError: any Error = CancellationError()
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
                let cancelled = Task.isCancelled
                let outcome = table.update(change: .server(name)) { machine in
                    let outcome = machine.connectSucceeded(name, generation: generation, client: client, cancelled: cancelled)
                    // Healthy before its route is published, so no call meets the old failures.
                    if case .adopt = outcome { machine.servers[name]?.gate.connected() }
                    return outcome
                }
                switch outcome {
                case .discard:
                    await client.close()
                case .adopt:
                    client.onListChanged { [weak self] kind in
                        guard let self else { return }
                        if kind == .tools {
                            Task { await self.toolsChanged(name) }
                        } else {
                            self.table.feed.publish(.list(server: name, kind))
                        }
                    }
                    client.onLog { [weak self] params in self?.table.logs.publish(MCPServerLog(server: name, params: params)) }
                    client.onResourceUpdated { [weak self] uri in self?.table.updates.publish(MCPResourceUpdate(server: name, uri: uri)) }
                }
                return
            } catch {
                await client.close()
                lastError = error
                if !FailureClassification.isTransient(error) { break }
            }
        }
        let cancelled = Task.isCancelled
        table.update(change: .server(name)) { [lastError] machine in
            if machine.connectFailed(name, generation: generation, error: lastError, cancelled: cancelled) {
                machine.servers[name]?.gate.restartFailed(FailureClassification.line(lastError))
            }
        }
    }

    /// Replaces a dead connection with a new one (one try; the backoff is the caller's); joins a
    /// connect already under way.
    func restart(_ name: String) -> Task<Void, Never>? {
        switch table.update(change: .server(name), { $0.restartRequested(name) }) {
        case .join(let generation): return work[generation]?.connect
        case .start(let action): return carryOut([action])
        case .none: return nil
        }
    }

    /// Shuts a server down and forgets it.
    public func removeServer(named name: String) async {
        guard let removal = table.update(change: .server(name), { $0.remove(name) }) else { return }
        let tasks = work.removeValue(forKey: removal.generation)
        tasks?.connect?.cancel()
        tasks?.healthCheck?.cancel()
        await removal.client?.close()
        // A connect that was under way may have produced a client before it saw the cancellation.
        await tasks?.connect?.value
    }

    /// Brings the servers in line with `configs`: new ones are added, missing ones shut down,
    /// changed ones restarted, identical ones left running. Returns when every started server
    /// is connected or has failed.
    @discardableResult
    public func apply(_ configs: [MCPServerConfig]) async -> ConfigDiff {
        let diff = ConfigDiff(old: table.read { $0.servers.values.map(\.config) }, new: configs)
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
    public var serverNames: [String] { table.read(\.names) }

    /// Closes every server (stdio children are terminated and reaped); afterwards nothing
    /// connects, restarts or routes.
    public func shutdown() async {
        let down = table.update { $0.shutdown() }
        var pending = closing
        closing = []
        for generation in down.generations {
            guard let tasks = work[generation] else { continue }
            tasks.connect?.cancel()
            tasks.healthCheck?.cancel()
            if let connect = tasks.connect { pending.append(connect) }
        }
        await withTaskGroup(of: Void.self) { group in
            for client in down.clients { group.addTask { await client.close() } }
            // Connects finish their own cleanup once cancelled; wait, so no child outlives shutdown.
            for task in pending { group.addTask { await task.value } }
        }
        for generation in down.generations { work[generation] = nil }
        table.feed.finish()
        table.logs.finish()
    }
}
