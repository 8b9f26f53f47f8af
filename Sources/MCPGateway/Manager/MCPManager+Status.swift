import Foundation

/// What `status()` shows of one server, gathered at one moment; `ServerStatus(_:)` turns it into
/// the status as a pure function, so every rule of the projection is tested without servers.
struct ServerSnapshot: Sendable {
    /// What the server's latest connection reports of itself.
    struct Connection: Sendable {
        var alive: Bool
        var transport: String
        var protocolVersion: String?
        var era: ProtocolEra?
        var serverName: String?
        var serverVersion: String?
        /// Every tool the server listed (before allowed_tools/disabled_tools).
        var toolNames: [String]?
        /// Why the connection closed, when it did.
        var closeReason: String?
    }

    var name: String
    var config: MCPServerConfig
    var phase: ServerLifecycle<MCPClient>.Phase
    /// Why the latest connect failed, one line.
    var failure: String?
    var health: ServerHealth
    var connection: Connection?
    var tokenExpiresAt: Date?
}

extension ServerSnapshot {
    /// Reads a lifecycle entry and its client's live facts.
    init(_ entry: ServerLifecycle<MCPClient>, name: String, tokenExpiresAt: Date?) {
        let connection = entry.client.map { client in
            Connection(
                alive: client.isConnected, transport: client.transportName, protocolVersion: client.protocolVersion, era: client.era,
                serverName: client.serverInfo?.name, serverVersion: client.serverInfo?.version,
                toolNames: client.cachedTools?.map(\.name), closeReason: client.closeReason?.description)
        }
        self.init(
            name: name, config: entry.config, phase: entry.phase, failure: entry.failure.map(FailureClassification.line),
            health: entry.gate.snapshot, connection: connection, tokenExpiresAt: tokenExpiresAt)
    }
}

extension ServerStatus {
    /// The status a snapshot shows: a ready server whose connection died is `failed` (with the
    /// reason it closed), one with recent failures or a breaker not closed is `degraded`, and
    /// the error is shown only when the server is not ready.
    init(_ snapshot: ServerSnapshot) {
        let health = snapshot.health
        let alive = snapshot.phase == .ready && snapshot.connection?.alive == true
        let state: State
        switch snapshot.phase {
        case .connecting: state = .connecting
        case .disabled: state = .disabled
        case .closed: state = .closed
        case .failed: state = .failed
        case .ready: state = !alive ? .failed : health.isDegraded ? .degraded : .ready
        }
        var error = health.lastError ?? snapshot.failure
        if snapshot.phase == .ready && !alive, let reason = snapshot.connection?.closeReason { error = reason }
        let connection = snapshot.connection
        self.init(
            name: snapshot.name,
            transport: connection?.transport ?? snapshot.config.transport.rawValue,
            state: state,
            endpoint: snapshot.config.endpointDescription,
            protocolVersion: connection?.protocolVersion,
            era: connection?.era,
            serverName: connection?.serverName,
            serverVersion: connection?.serverVersion,
            tools: alive ? connection?.toolNames.map { $0.filter { snapshot.config.exposes(tool: $0) }.count } : nil,
            error: state == .ready ? nil : error,
            lastLatencyMs: health.latencies.last.map(\.milliseconds),
            p50LatencyMs: health.latencies.median.map(\.milliseconds),
            consecutiveFailures: health.consecutiveFailures,
            circuit: health.breaker.label,
            tokenExpiresAt: snapshot.tokenExpiresAt)
    }
}

extension MCPManager {
    /// Per-server state, in name order.
    public func status() async -> [ServerStatus] {
        var result: [ServerStatus] = []
        for name in table.read(\.names) {
            // Awaiting the token manager below lets other work run: a server may be gone by now.
            guard let entry = table.read({ $0.servers[name] }) else { continue }
            var snapshot = ServerSnapshot(entry, name: name, tokenExpiresAt: nil)
            snapshot.tokenExpiresAt = await options.tokenManager.expiry(for: entry.config)
            result.append(ServerStatus(snapshot))
        }
        return result
    }
}
