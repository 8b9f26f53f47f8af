import MCP

/// Tools: the hot path that calls a healthy server without entering the actor, the way through
/// the actor for everything else, and the namespace cached against the route table's version.
extension MCPManager {
    /// Every exposed tool of every usable server, with its server, sorted by server then tool; a
    /// server being restarted keeps the tools it had, since calls to them wait for the restart.
    public func listAvailableTools() async -> [(server: String, tool: Tool)] {
        var result: [(String, Tool)] = []
        for name in table.read(\.names) {
            // Listing awaits: read each server afresh, it may be gone by now.
            guard let entry = table.read({ $0.servers[name] }) else { continue }
            let tools: [Tool]
            if entry.phase == .ready, let client = entry.client {
                tools = (try? await client.listTools()) ?? []
            } else if entry.phase == .connecting, let kept = entry.toolsDuringRestart {
                tools = kept
            } else {
                continue
            }
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
        if let cached = table.cachedNamespace { return cached }
        let version = table.version
        let namespace = ToolNamespace(await listAvailableTools())
        table.cache(namespace, computedAt: version)
        return namespace
    }

    /// A server's tool list changed: the namespace and its route's annotations are rebuilt.
    func toolsChanged(_ name: String) {
        table.update(change: .list(server: name, .tools)) { $0.toolsChanged() }
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
        // The hot path: a connected server whose breaker lets the call through; one lock, one retain.
        if let route = table.route(server), route.client.isConnected, route.config.exposes(tool: tool) {
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
                    guard FailureClassification.mayRetry(error, attempt: 1, of: policy.retry.attempts, retryable: {
                        FailureClassification.maySendAgain($0, repeatable: repeatable)
                    })
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

    /// The call through the actor: connects or restarts the server as needed, and retries.
    private func routedCall(
        server: String, tool: String, arguments: [String: Value]?, timeout: Duration?, onProgress: MCPProgressHandler?,
        attemptsMade: Int
    ) async throws -> CallTool.Result {
        let config = table.read { $0.servers[server]?.config }
        guard let config, config.exposes(tool: tool) else {
            // An unknown server is refused as such (naming the configured ones), not as a hidden tool.
            if config == nil { _ = try await admit(server) }
            throw MCPManagerError.toolHidden(server: server, tool: tool)
        }
        return try await perform(server, attemptsMade: attemptsMade, retryable: { error in
            FailureClassification.maySendAgain(error, repeatable: self.table.route(server)?.repeatable.contains(tool) ?? false)
        }) { client in
            try await client.callTool(tool, arguments: arguments, timeout: timeout, onProgress: onProgress)
        }
    }

    /// Calls a tool by its qualified name; an unknown name is refused with the closest known names.
    public nonisolated func callTool(
        qualifiedName: String, arguments: [String: Value]? = nil, timeout: Duration? = nil,
        onProgress: MCPProgressHandler? = nil
    ) async throws -> CallTool.Result {
        let namespace = if let cached = table.cachedNamespace { cached } else { await namespace() }
        guard let target = namespace.resolve(qualifiedName) else {
            throw MCPManagerError.unknownTool(qualifiedName, suggestions: namespace.closestNames(to: qualifiedName))
        }
        return try await callTool(
            server: target.server, tool: target.tool.name, arguments: arguments, timeout: timeout, onProgress: onProgress)
    }
}
