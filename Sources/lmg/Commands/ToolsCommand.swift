import ArgumentParser
import GatewayRuntime
import LMGCommandLine
import Foundation
import MCP
import MCPGateway

/// `lmg tools`: every tool of every reachable server.
struct ToolsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tools", abstract: "List the tools of every server.")

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "Only this server.")
    var server: String?

    struct Row: Encodable {
        let server: String
        let name: String
        /// The gateway-wide name models call it by.
        let qualifiedName: String
        let title: String?
        let description: String?
        let inputSchema: Value
        let annotations: Tool.Annotations?
    }

    func run() async throws {
        try await CommandSession.run(global, only: server) { runtime in
            let namespace = await runtime.manager.namespace()
            // A clash is resolved, never hidden: say how, once, beside the listing.
            for collision in namespace.collisions { Terminal.error("name clash: \(collision)") }
            let tools = namespace.tools
            if global.json {
                try Terminal.json(tools.map {
                    Row(server: $0.server, name: $0.tool.name, qualifiedName: $0.qualifiedName, title: $0.tool.title,
                        description: $0.tool.description, inputSchema: $0.tool.inputSchema,
                        annotations: $0.tool.annotations.isEmpty ? nil : $0.tool.annotations)
                })
            } else if tools.isEmpty {
                Terminal.out("no tools")
            } else {
                let rows = tools.map { [$0.server, $0.tool.name, $0.qualifiedName, Self.firstLine($0.tool.description)] }
                Terminal.out(Terminal.table(["SERVER", "TOOL", "AS", "DESCRIPTION"], rows, maxWidth: 72))
            }
            return 0
        }
    }

    static func firstLine(_ text: String?) -> String {
        text?.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
    }
}
