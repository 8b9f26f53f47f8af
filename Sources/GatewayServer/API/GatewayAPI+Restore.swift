import Foundation
import GatewayRuntime
import MCP
import MCPGateway

extension GatewayAPI {
    /// Adds back the servers the store kept (added over HTTP before a restart), each read again
    /// like a request body and held to today's rules: a server that `server.allow_stdio_servers`
    /// or `server.allowed_url_hosts` no longer allows, or whose host now resolves to a metadata
    /// address, stays out. So does a stored server whose name the config file now uses: the file
    /// wins. A skipped entry stays in the store (`DELETE /mcp/servers/{name}` forgets it); each is
    /// one returned line naming it (never its content). Throws only when the store cannot be read.
    public func restoreStoredServers() async throws(ServerStoreError) -> [String] {
        let stored = try await store.load()
        var warnings: [String] = []
        var restored: [(config: MCPServerConfig, entry: Data)] = []
        // A host that does not resolve now is kept, like any server down at start: its status says so.
        let lenient = UnresolvedIsUnknown(base: resolver)
        for server in stored {
            func skip(_ reason: String) { warnings.append("server store \(store.location): stored server '\(server.name)' is skipped: \(reason)") }
            if await registry.isFileServer(server.name) {
                skip("\(runtime.config.path.map { "the config file \($0)" } ?? "the configuration") defines a server '\(server.name)' too, and the file wins (rename or remove one of them)")
                continue
            }
            guard case .object(let object)? = try? JSONDecoder().decode(Value.self, from: server.json) else {
                skip("its entry is not a JSON object")
                continue
            }
            do {
                restored.append((try await checked(object, name: server.name, source: "stored entry", resolver: lenient), server.json))
            } catch {
                skip(APIError(error).message)
            }
        }
        for (config, entry) in restored { await registry.add(config, entry: entry) }
        await manager.addServers(restored.map(\.config))
        return warnings
    }
}

/// The gateway's resolver, except that a host that does not resolve has no addresses (rather
/// than being an error): at start a name server may be down, and the connect will say so.
struct UnresolvedIsUnknown: HostResolver {
    let base: any HostResolver

    func addresses(of host: String) async throws -> [String] {
        (try? await base.addresses(of: host)) ?? []
    }
}
