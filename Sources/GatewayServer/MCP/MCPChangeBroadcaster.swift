import Foundation
import JSONRPC
import MCPGateway
import Synchronization

/// Tells every open `/mcp` session when the aggregated lists change: a server came, went or
/// said its list changed. Changes that arrive together are sent once (after `settle`), and a
/// session hears only of servers its key may see.
final class MCPChangeBroadcaster: Sendable {
    private struct State {
        var watching: Task<Void, Never>?
        var pending: Set<MCPListKind> = []
        var servers: Set<String>? = []
        var flushing = false
    }

    private let state = Mutex(State())
    let settle: Duration

    init(settle: Duration = .milliseconds(20)) { self.settle = settle }

    /// Starts watching the manager, once (at the first session); ends when the manager shuts down.
    func start(api: GatewayAPI) {
        state.withLock { state in
            guard state.watching == nil else { return }
            let changes = api.manager.changes()
            state.watching = Task { [weak self] in
                for await change in changes { self?.note(change, api: api) }
            }
        }
    }

    func stop() {
        state.withLock { $0.watching }?.cancel()
    }

    private func note(_ change: MCPManagerChange, api: GatewayAPI) {
        let flush = state.withLock { state -> Bool in
            switch change {
            case .servers:
                state.pending.formUnion([.tools, .resources, .prompts])
                state.servers = nil
            case .list(let server, let kind):
                state.pending.insert(kind)
                state.servers?.insert(server)
            }
            defer { state.flushing = true }
            return !state.flushing
        }
        guard flush else { return }
        Task {
            try? await Task.sleep(for: settle)
            let (kinds, servers) = state.withLock { state in
                defer { (state.pending, state.servers, state.flushing) = ([], [], false) }
                return (state.pending, state.servers)
            }
            let messages = MCPListKind.allOrdered.filter(kinds.contains).map {
                GatewayAPI.event(MCPMethods.notification("notifications/\($0.rawValue)/list_changed", params: nil))
            }
            for session in api.mcpSessions.all {
                if let servers, let key = session.state.keyName, let caller = api.caller(keyName: key),
                   !servers.contains(where: caller.allows(server:)) { continue }
                for message in messages { session.push(message) }
            }
        }
    }
}

extension MCPListKind {
    static let allOrdered: [MCPListKind] = [.tools, .resources, .prompts]
}
