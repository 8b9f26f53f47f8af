import ArgumentParser
import MCPGateway

/// `lmg servers`: connects every configured server and shows its state.
struct ServersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "servers", abstract: "Connect to every configured server and show its status.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        do {
            let config = try global.load()
            let manager = MCPManager()
            await manager.addServers(config.servers)
            let status = await manager.status()
            await manager.shutdown()
            if global.json {
                try Terminal.json(status)
            } else if status.isEmpty {
                Terminal.out("no servers configured in \(config.path ?? "the embedded default")")
            } else {
                let rows = status.map { s in
                    [s.name, s.transport, s.state.rawValue, s.tools.map(String.init) ?? "-",
                     [s.serverName, s.serverVersion].compactMap { $0 }.joined(separator: " "),
                     s.error ?? s.endpoint]
                }
                Terminal.out(Terminal.table(["SERVER", "TRANSPORT", "STATE", "TOOLS", "SERVER INFO", "DETAIL"], rows, maxWidth: 120))
            }
            let enabled = status.filter { $0.state != .disabled }
            if !enabled.isEmpty && enabled.allSatisfy({ $0.state == .failed }) { throw ExitCode(ExitStatus.unreachable) }
        } catch {
            throw ExitStatus.report(error)
        }
    }
}
