import ArgumentParser
import GatewayRuntime
import LMGCommandLine
import Foundation
import MCP
import MCPGateway

/// `lmg call SERVER TOOL [k=v ...]`: one tool call, for scripts and debugging.
struct CallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call", abstract: "Call one tool.",
        discussion: "Arguments come from --args JSON and key=value words; values are typed by the tool's input schema.")

    @OptionGroup var global: GlobalOptions

    @OptionGroup var target: ToolCallArguments

    @Option(name: .long, help: "Seconds to wait for the result (default: the server's tool_timeout or timeout).")
    var timeout: Double?

    func validate() throws {
        if let timeout, !(timeout > 0) || timeout > Duration.maxConfigSeconds {
            throw ValidationError("--timeout must be a positive number of seconds, at most \(Int(Duration.maxConfigSeconds))")
        }
    }

    func run() async throws {
        let (serverName, tool) = (target.serverName, target.tool)
        try await CommandSession.run(global, only: serverName) { runtime in
            let arguments = try await target.resolve(on: runtime).arguments
            let limit = timeout.map { Duration.seconds(rounding: $0) }
            let result = try await runtime.manager.callTool(server: serverName, tool: tool, arguments: arguments, timeout: limit)
            if global.json {
                try Terminal.json(result)
            } else {
                let text = ContentRenderer.person.render(result).text
                if result.isError == true {
                    Terminal.error("server '\(serverName)': tool '\(tool)' returned an error: \(text)")
                } else {
                    Terminal.out(text)
                }
            }
            return result.isError == true ? ExitStatus.toolError : 0
        }
    }
}
