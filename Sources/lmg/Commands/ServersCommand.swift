import ArgumentParser
import GatewayRuntime
import LMGCommandLine
import Foundation
import MCPGateway

/// `lmg servers`: connects every configured server and shows its state.
struct ServersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "servers", abstract: "Connect to every configured server and show its status.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        do {
            let runtime = try global.runtime()
            let config = runtime.config
            let manager = runtime.manager
            await manager.addServers(config.servers)
            // One ping each, so the table shows a latency measured now.
            for server in await manager.status() where server.isUsable { _ = try? await manager.ping(server: server.name) }
            let status = await manager.status()
            await manager.shutdown()
            if global.json {
                try Terminal.json(status)
            } else if status.isEmpty {
                Terminal.out("no servers configured in \(config.path ?? "the embedded default")")
            } else {
                let rows = status.map { s in
                    [s.name, s.transport, s.state.rawValue, s.tools.map(String.init) ?? "-",
                     s.protocolVersion.map { version in s.era.map { "\(version) \($0.rawValue)" } ?? version } ?? "-",
                     [s.serverName, s.serverVersion].compactMap { $0 }.joined(separator: " "),
                     s.lastLatencyMs.map { String(format: "%.1f ms", $0) } ?? "-",
                     s.circuit,
                     s.tokenExpiresAt.map(Self.expiry) ?? "-",
                     s.error ?? s.endpoint]
                }
                Terminal.out(Terminal.table(
                    ["SERVER", "TRANSPORT", "STATE", "TOOLS", "PROTOCOL", "SERVER INFO", "LATENCY", "CIRCUIT", "TOKEN", "DETAIL"],
                    rows, maxWidth: 120))
            }
            let enabled = status.filter { $0.state != .disabled }
            if !enabled.isEmpty && enabled.allSatisfy({ $0.state == .failed }) { throw ExitCode(ExitStatus.unreachable) }
        } catch {
            throw ExitStatus.report(error)
        }
    }

    /// "expires in 42 s" style, relative, so no clock reading is needed to understand it.
    static func expiry(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSinceNow.rounded())
        return seconds <= 0 ? "expired" : seconds < 120 ? "\(seconds) s" : "\(seconds / 60) min"
    }
}
