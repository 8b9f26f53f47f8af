import ArgumentParser
import GatewayRuntime
import LMGCommandLine
import MCP
import MCPGateway

/// `lmg resources`: resources and resource templates of every server.
struct ResourcesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resources", abstract: "List resources and resource templates.")

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "Only this server.")
    var server: String?

    func run() async throws {
        try await CommandSession.run(global, only: server) { runtime in
            let servers = await runtime.usableServers()
            let (resources, templates, failures) = await runtime.listResources(servers: servers)
            let rows = resources + templates
            for failure in failures { Terminal.error(FailureCategory.message(of: failure.error)) }
            if global.json {
                try Terminal.json(rows)
            } else if rows.isEmpty {
                Terminal.out("no resources")
            } else {
                Terminal.out(Terminal.table(
                    ["SERVER", "URI", "NAME", "MIME", "DESCRIPTION"],
                    rows.map { [$0.server, $0.uri ?? $0.uriTemplate ?? "", $0.name, $0.mimeType ?? "", ToolsCommand.firstLine($0.description)] }))
            }
            // Listed servers that all failed: nothing could be listed, as `lmg servers` says.
            return !servers.isEmpty && failures.count == servers.count ? ExitStatus.unreachable : 0
        }
    }
}

/// `lmg read SERVER URI`: one resource's contents.
struct ReadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "read", abstract: "Read one resource.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The server's name.")
    var serverName: String

    @Argument(help: "The resource URI.")
    var uri: String

    func run() async throws {
        try await CommandSession.run(global, only: serverName) { runtime in
            let result = try await runtime.manager.readResource(server: serverName, uri: uri)
            if global.json {
                try Terminal.json(result)
            } else {
                Terminal.out(ContentRenderer.person.render(result.contents).text)
            }
            return 0
        }
    }
}
