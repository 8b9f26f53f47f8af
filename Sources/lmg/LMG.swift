import ArgumentParser
import Foundation
import GatewayRuntime
import LMGCommandLine

/// `lmg`: chat with models that use MCP tools, and inspect MCP servers from the shell.
@main
struct LMG: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lmg",
        abstract: "Language Model Gateway: MCP servers and tool-calling models from the terminal.",
        discussion: """
            Servers come from the configuration: --config FILE, else $LMG_CONFIG, else ./Config/lmg.json, \
            else ~/.config/lmg/lmg.json, else the built-in server alone.

            Exit status: 0 ok; 1 the tool returned an error; 2 usage or configuration error; \
            3 no server reachable, transport or authorization failure; 130 interrupted.

            Benchmarks live in a separate program, lmg-bench.
            """,
        version: LMGVersion.current,
        subcommands: [
            ChatCommand.self, RunCommand.self, ServersCommand.self, ToolsCommand.self, CallCommand.self, ResourcesCommand.self, ReadCommand.self,
            PromptsCommand.self, GetPromptCommand.self, ServeCommand.self, MCPServerCommand.self, LoginCommand.self, LogoutCommand.self,
            AuthCommand.self, PromptCommand.self,
        ],
        defaultSubcommand: ChatCommand.self
    )

    /// Parses and runs like ArgumentParser's own `main`, except that usage errors exit with 2,
    /// the documented status, rather than the library's 64.
    /// Spans go out over OTLP when the `OTEL_*` variables ask for it; what is queued is sent
    /// before the process exits, whatever the command's outcome.
    static func main() async {
        var traces: TraceExport?
        do {
            var command = try parseAsRoot()
            // The built-in server makes no spans: a child `lmg mcp-server` exports nothing.
            if !(command is MCPServerCommand) {
                do {
                    traces = try TraceExport.start()
                } catch {
                    FileHandle.standardError.write(Data("lmg: \(error)\n".utf8))
                    Foundation.exit(ExitStatus.usage)
                }
            }
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            await traces?.finish()
        } catch {
            await traces?.finish()
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(ExitStatus.usage)
            }
            exit(withError: error)
        }
    }
}
