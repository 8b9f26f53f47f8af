import Foundation
import GatewayRuntime
import MCP
import MCPGateway

extension GatewayAPI {
    /// Makes the servers added over HTTP what the shared store holds: a server another replica
    /// added, replaced or removed is added, replaced or removed here, held to this replica's
    /// rules as a restored entry is (see ``restoreStoredServers()``). A name a request here is
    /// changing at this moment is left to that request. Returns a line for each stored entry
    /// left out (once per entry as stored); nothing when the store cannot be read now.
    public func syncWithStore() async -> [String] {
        guard let stored = try? await store.load() else { return [] }
        var warnings: [String] = []
        let wanted = Dictionary(stored.map { ($0.name, $0) }, uniquingKeysWith: { $1 })
        for name in await registry.names where wanted[name] == nil {
            guard await registry.claim(name) else { continue }
            await registry.remove(name)
            await manager.removeServer(named: name)
            await registry.release(name)
        }
        let lenient = UnresolvedIsUnknown(base: resolver)
        for server in stored {
            guard await registry.entry(server.name) != server.json, await !registry.isFileServer(server.name),
                  await !registry.isUnusable(server.name, entry: server.json)
            else { continue }
            let config: MCPServerConfig
            do {
                guard case .object(let object)? = try? JSONDecoder().decode(Value.self, from: server.json) else {
                    throw APIError(status: 422, code: "invalid_entry", message: "its entry is not a JSON object")
                }
                config = try await checked(object, name: server.name, source: "stored entry", resolver: lenient)
            } catch {
                let reason = APIError(error).message
                if await registry.markUnusable(server.name, entry: server.json) {
                    warnings.append("server store \(store.location): stored server '\(server.name)' is skipped: \(reason)")
                }
                continue
            }
            guard await registry.claim(server.name) else { continue }
            await registry.add(config, entry: server.json)
            await manager.addServers([config])
            await registry.release(server.name)
        }
        return warnings
    }

    /// Follows a shared store until cancelled: syncs at each change it reports and every
    /// `interval` besides (a notification lost while the database was away); `onWarning` gets
    /// ``syncWithStore()``'s lines. Returns at once for a store only this process writes.
    public func followStore(every interval: Duration = .seconds(30), onWarning: @escaping @Sendable (String) -> Void) async {
        guard let changes = store.changes() else { return }
        let api = self
        await withTaskGroup(of: Void.self) { group in
            let (ticks, tick) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
            group.addTask {
                for await _ in changes { tick.yield() }
                tick.finish()
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    tick.yield()
                }
            }
            group.addTask {
                for await _ in ticks {
                    for warning in await api.syncWithStore() { onWarning(warning) }
                }
            }
            await group.next()
            group.cancelAll()
        }
    }
}

extension ServerRegistry {
    /// Whether `entry` is the one of `name` already left out (so it is not checked again).
    func isUnusable(_ name: String, entry: Data) -> Bool { unusable[name] == entry }

    /// Records `entry` as left out; true when it was not already (say so once).
    func markUnusable(_ name: String, entry: Data) -> Bool {
        defer { unusable[name] = entry }
        return unusable[name] != entry
    }
}
