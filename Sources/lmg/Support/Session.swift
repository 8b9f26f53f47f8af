import ArgumentParser
import Foundation
import MCP
import MCPGateway

/// A manager with the selected servers connected, failures named once on stderr.
struct Session {
    let config: GatewayConfig
    let manager: MCPManager

    /// Connects `servers` concurrently. Each failure is named once on stderr; throws (exit 3)
    /// only when none of the enabled servers is reachable and `requireServers` says that matters.
    static func open(_ config: GatewayConfig, servers: [MCPServerConfig], requireServers: Bool = true) async throws -> Session {
        let manager = MCPManager(policy: config.manager)
        await manager.addServers(servers)
        let status = await manager.status()
        let failed = status.filter { $0.state == .failed }
        let enabled = status.filter { $0.state != .disabled }
        if !requireServers {
            for server in failed { Terminal.error(server.error ?? "server '\(server.name)' failed") }
            return Session(config: config, manager: manager)
        }
        if enabled.count == 1, let only = failed.first {
            await manager.shutdown()
            throw CommandFailure.unreachable(only.error ?? "server '\(only.name)' is not reachable")
        }
        for server in failed { Terminal.error(server.error ?? "server '\(server.name)' failed") }
        if !enabled.isEmpty && failed.count == enabled.count {
            await manager.shutdown()
            throw CommandFailure.unreachable("no server is reachable")
        }
        return Session(config: config, manager: manager)
    }

    /// Runs `body`, always shutting the servers down; maps errors to exit statuses.
    static func run(
        _ options: GlobalOptions, only: String? = nil, requireServers: Bool = true,
        _ body: (Session) async throws -> Int32
    ) async throws {
        let status: Int32
        do {
            let config = try options.load()
            let session = try await open(config, servers: try options.select(config, only: only), requireServers: requireServers)
            do {
                status = try await body(session)
            } catch {
                await session.manager.shutdown()
                throw error
            }
            await session.manager.shutdown()
        } catch {
            throw ExitStatus.report(error)
        }
        if status != 0 { throw ExitCode(status) }
    }
}
