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

    struct Row: Encodable {
        let server: String
        let uri: String?
        let uriTemplate: String?
        let name: String
        let description: String?
        let mimeType: String?
    }

    func run() async throws {
        try await CommandSession.run(global, only: server) { runtime in
            var rows: [Row] = []
            var listed = 0, failed = 0
            for status in await runtime.manager.status() where status.isUsable {
                listed += 1
                // Any failure stays with its server: named once, the others still listed.
                do {
                    let client = try await runtime.manager.client(named: status.name)
                    guard client.serverCapabilities?.resources != nil else { continue }
                    for resource in try await runtime.manager.listResources(server: status.name) {
                        rows.append(Row(server: status.name, uri: resource.uri, uriTemplate: nil, name: resource.name,
                                        description: resource.description, mimeType: resource.mimeType))
                    }
                    // Templates are optional: a server without them may refuse the request.
                    for template in (try? await runtime.manager.listResourceTemplates(server: status.name)) ?? [] {
                        rows.append(Row(server: status.name, uri: nil, uriTemplate: template.uriTemplate, name: template.name,
                                        description: template.description, mimeType: template.mimeType))
                    }
                } catch {
                    failed += 1
                    Terminal.error("\(error)")
                }
            }
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
            return listed > 0 && failed == listed ? ExitStatus.unreachable : 0
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
