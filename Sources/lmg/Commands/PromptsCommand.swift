import ArgumentParser
import GatewayRuntime
import LMGCommandLine
import MCP
import MCPGateway

/// `lmg prompts`: prompt templates of every server.
struct PromptsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "prompts", abstract: "List prompts.")

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "Only this server.")
    var server: String?

    func run() async throws {
        try await CommandSession.run(global, only: server) { runtime in
            let servers = await runtime.usableServers()
            let (rows, failures) = await runtime.listPrompts(servers: servers)
            for failure in failures { Terminal.error(FailureCategory.message(of: failure.error)) }
            if global.json {
                try Terminal.json(rows)
            } else if rows.isEmpty {
                Terminal.out("no prompts")
            } else {
                Terminal.out(Terminal.table(["SERVER", "PROMPT", "ARGUMENTS", "DESCRIPTION"], rows.map { row in
                    let args = (row.arguments ?? []).map { $0.name + ($0.required == true ? "" : "?") }.joined(separator: " ")
                    return [row.server, row.name, args, ToolsCommand.firstLine(row.description)]
                }))
            }
            // Listed servers that all failed: nothing could be listed, as `lmg servers` says.
            return !servers.isEmpty && failures.count == servers.count ? ExitStatus.unreachable : 0
        }
    }
}

/// `lmg get-prompt SERVER NAME [k=v ...]`: a prompt rendered into messages.
struct GetPromptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get-prompt", abstract: "Render one prompt.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The server's name.")
    var serverName: String

    @Argument(help: "The prompt's name.")
    var name: String

    @Argument(help: "key=value arguments.")
    var pairs: [String] = []

    func run() async throws {
        try await CommandSession.run(global, only: serverName) { runtime in
            var arguments: [String: String] = [:]
            for pair in pairs {
                let (key, value) = try ToolArguments.split(pair)
                arguments[key] = value
            }
            let result = try await runtime.manager.getPrompt(server: serverName, name: name, arguments: arguments.isEmpty ? nil : arguments)
            if global.json {
                try Terminal.json(result)
            } else {
                if let description = result.description { Terminal.out("# \(description)") }
                for message in result.messages {
                    Terminal.out("[\(message.role.rawValue)]")
                    Terminal.out(ContentRenderer.person.render(message.content).text)
                }
            }
            return 0
        }
    }
}
