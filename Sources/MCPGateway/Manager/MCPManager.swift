import Foundation
import Tracing
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
/// The books are one `RouteTable`: the servers' lifecycle state machine and the routes derived
/// from it, under one lock. The actor feeds the state machine events and performs the actions it
/// returns; tool calls to a healthy server read their route from the table and never enter the
/// actor, which is consulted only to connect, restart or retry.
public actor MCPManager {
    /// The tasks a server registration runs; the state machine names them by generation.
    struct Work {
        /// The connect or restart in progress; concurrent callers share it.
        var connect: Task<Void, Never>?
        var healthCheck: Task<Void, Never>?
    }

    let options: MCPClientOptions
    /// Retries, breaker and health checks for every server.
    public let policy: ManagerPolicy
    /// Every server's state and route; the single source of truth, written only by this actor.
    nonisolated let table = RouteTable()
    /// Running tasks by generation.
    var work: [Int: Work] = [:]
    /// Clients of replaced servers, closing; `shutdown()` waits for them.
    var closing: [Task<Void, Never>] = []

    /// A manager with no servers yet; `options` apply to every client, `policy` to every server.
    public init(options: MCPClientOptions = .init(), policy: ManagerPolicy = .init()) {
        self.options = options
        self.policy = policy
    }

    /// Performs what the state machine decided; returns the connect task it started, if any.
    ///
    /// The tasks it starts outlive the request that led to them (connects, health checks, event
    /// streams), so they carry no caller's forwarded headers.
    @discardableResult
    func carryOut(_ actions: [ServerStateMachine<MCPClient>.Action]) -> Task<Void, Never>? {
        // A server's connects and health checks outlive the request that caused them: they take
        // neither its forwarded headers nor its trace.
        ForwardedHeaders.$current.withValue([:]) { InstrumentationContext.withValue(nil) { perform(actions) } }
    }

    private func perform(_ actions: [ServerStateMachine<MCPClient>.Action]) -> Task<Void, Never>? {
        var started: Task<Void, Never>?
        for action in actions {
            switch action {
            case .connect(let name, let generation, let attempts, let closingFirst):
                let task = Task {
                    await closingFirst?.close()
                    await self.connect(name, generation: generation, attempts: attempts)
                }
                work[generation, default: Work()].connect = task
                started = task
            case .startHealthChecks(let name, let generation):
                startHealthChecks(name, generation: generation)
            case .cancel(let generation):
                let tasks = work.removeValue(forKey: generation)
                tasks?.connect?.cancel()
                tasks?.healthCheck?.cancel()
            case .closeInBackground(let client):
                closing.append(Task { await client.close() })
            }
        }
        return started
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
