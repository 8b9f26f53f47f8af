import Foundation
import JSONRPC
import MCPGateway
import Locking

/// Tells every open `/mcp` session, and every 2026-07-28 `subscriptions/listen` stream, when the
/// aggregated lists change: a server came, went or said its list changed. Changes that arrive
/// together are sent once (after `settle`), and a key hears only of servers it may see. A
/// listen stream also hears of the resources it subscribed to.
final class MCPChangeBroadcaster: Sendable {
    /// Which servers a pending notification is about.
    enum Scope: Sendable, Equatable {
        /// Not known: everyone hears it.
        case all
        case servers(Set<String>)

        mutating func add(_ server: String) {
            if case .servers(let known) = self { self = .servers(known.union([server])) }
        }

        /// Whether `caller` may see one of the servers.
        func concerns(_ caller: Caller) -> Bool {
            switch self {
            case .all: true
            case .servers(let names): names.contains(where: caller.allows(server:))
            }
        }
    }

    private struct State {
        var watching: Task<Void, Never>?
        var logging: Task<Void, Never>?
        var updating: Task<Void, Never>?
        var pending: [MCPListKind: Scope] = [:]
        var flushing = false
    }

    private let state = Locked(State())
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
            let logs = api.manager.serverLogs()
            state.logging = Task {
                for await log in logs { Self.forward(log, api: api) }
            }
            let updates = api.manager.resourceUpdates()
            state.updating = Task {
                for await update in updates { Self.forward(update, api: api) }
            }
        }
    }

    func stop() {
        let tasks = state.withLock { [$0.watching, $0.logging, $0.updating] }
        for task in tasks { task?.cancel() }
    }

    /// A subscribed resource changed: every listen stream that asked for its URI hears it, when
    /// its key may see the server.
    static func forward(_ update: MCPResourceUpdate, api: GatewayAPI) {
        for listener in api.mcpListeners.all where listener.uris.contains(update.uri) {
            guard api.listener(listener.keyName)?.allows(server: update.server) == true else { continue }
            listener.send("notifications/resources/updated", ["uri": .string(update.uri)])
        }
    }

    /// A server's log message to every session whose key may see the server and whose
    /// `logging/setLevel` (if any) admits its level; `logger` says which server it came from.
    static func forward(_ log: MCPServerLog, api: GatewayAPI) {
        guard let (level, message) = notification(for: log) else { return }
        let event = GatewayAPI.event(message)
        for session in api.mcpSessions.all {
            let state = session.state
            if let threshold = state.logLevel, MCPLogLevel.rank(level) < MCPLogLevel.rank(threshold) { continue }
            if let key = state.keyName {
                guard let caller = api.caller(keyName: key), caller.allows(server: log.server) else { continue }
            }
            session.push(event)
        }
    }

    /// A server's log message as the gateway's `notifications/message`, `logger` naming the
    /// server (`server` or `server/logger`), and its level.
    static func notification(for log: MCPServerLog) -> (level: String, message: Data)? {
        guard case .object(var params) = log.params else { return nil }
        let level = if case .string(let name)? = params["level"] { name } else { "info" }
        if case .string(let logger)? = params["logger"] { params["logger"] = .string("\(log.server)/\(logger)") } else { params["logger"] = .string(log.server) }
        return (level, MCPMethods.notification("notifications/message", params: .object(params)))
    }

    private func note(_ change: MCPManagerChange, api: GatewayAPI) {
        let flush = state.withLock { state -> Bool in
            func add(_ kind: MCPListKind, _ server: String?) {
                guard let server else { return state.pending[kind] = .all }
                state.pending[kind, default: .servers([])].add(server)
            }
            switch change {
            case .servers: for kind in MCPListKind.allOrdered { add(kind, nil) }
            case .server(let name): for kind in MCPListKind.allOrdered { add(kind, name) }
            case .list(let server, let kind): add(kind, server)
            }
            defer { state.flushing = true }
            return !state.flushing
        }
        guard flush else { return }
        Task {
            try? await Task.sleep(for: settle)
            let pending = state.withLock { state in
                defer { (state.pending, state.flushing) = ([:], false) }
                return state.pending
            }
            for session in api.mcpSessions.all {
                guard let caller = api.listener(session.state.keyName) else { continue }
                for kind in MCPListKind.allOrdered where pending[kind]?.concerns(caller) == true {
                    session.push(GatewayAPI.event(MCPMethods.notification("notifications/\(kind.rawValue)/list_changed", params: nil)))
                }
            }
            for listener in api.mcpListeners.all {
                guard let caller = api.listener(listener.keyName) else { continue }
                for kind in MCPListKind.allOrdered where listener.kinds.contains(kind) && pending[kind]?.concerns(caller) == true {
                    listener.send("notifications/\(kind.rawValue)/list_changed")
                }
            }
        }
    }
}

extension GatewayAPI {
    /// Who a session or stream opened with `keyName` is now; nil for a key gone from the config,
    /// which hears nothing (its next request is refused).
    func listener(_ keyName: String?) -> Caller? {
        guard let keyName else { return .anyone }
        return caller(keyName: keyName)
    }
}

extension MCPListKind {
    static let allOrdered: [MCPListKind] = [.tools, .resources, .prompts]
}
