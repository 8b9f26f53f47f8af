import ArgumentParser
import GatewayRuntime
import LMGCommandLine
import Foundation
import Logging
import MCPBuiltinServer
import MCPGateway
import PromptTemplates

/// `lmg mcp-server`: the built-in MCP server, so every machine with lmg has a server to talk to.
struct MCPServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp-server",
        abstract: "Run the built-in MCP server on stdio, or Streamable HTTP on 127.0.0.1.",
        discussion: """
            Tools: echo, current_time, calculate, read_file, list_directory (read-only, files under \
            --root only). Resources: lmg://server/about and file:///{+path}. Prompts: explain_file, and \
            with --prompts DIR the templates there (lmg prompt list shows them).

            On stdio, stdout carries only the protocol; logs go to stderr. With --http, the server \
            prints one line, "lmg mcp-server listening on http://127.0.0.1:PORT/mcp", once it \
            accepts connections, and stops on SIGTERM or SIGINT.
            """)

    @Option(name: .long, help: ArgumentHelp("Serve Streamable HTTP on 127.0.0.1:PORT instead of stdio (0 picks a free port).", valueName: "port"))
    var http: Int?

    @Option(name: .long, help: ArgumentHelp("Directory the file tools may read (default: the working directory).", valueName: "dir"))
    var root: String?

    @Option(name: .long, help: ArgumentHelp("Also serve the prompt templates in this folder as MCP prompts.", valueName: "dir"))
    var prompts: String?

    @Flag(name: [.short, .long], help: "Log protocol details to stderr.")
    var verbose = false

    func validate() throws {
        if let http, !(0...65_535).contains(http) {
            throw ValidationError("--http must be a port between 0 and 65535, got \(http)")
        }
    }

    func run() async throws {
        LogSetup.bootstrapOnce(verbose: verbose)
        var configuration: BuiltinServerConfiguration
        do {
            configuration = try BuiltinServerConfiguration(
                root: root ?? FileManager.default.currentDirectoryPath, version: LMGVersion.current)
        } catch {
            throw ExitStatus.report(RuntimeFailure.usage("--root: \(error)"))
        }
        if let prompts {
            let library = PromptLibrary(directory: prompts)
            guard library.exists else { throw ExitStatus.report(RuntimeFailure.usage("--prompts: \(prompts) is not a folder")) }
            configuration.promptSource = TemplatePromptSource(library: library)
        }
        var logger = Logger(label: "lmg.mcp-server")
        logger.logLevel = verbose ? .debug : .warning
        do {
            if let port = http {
                let server = StreamableHTTPServer(
                    endpoint: StreamableHTTPEndpoint(configuration: configuration), port: port, logger: logger)
                try await server.run { port in
                    Terminal.out("lmg mcp-server listening on http://\(StreamableHTTPServer.host):\(port)\(StreamableHTTPEndpoint.path)")
                }
            } else {
                try await StdioServer(server: BuiltinMCPServer(configuration: configuration, logger: logger)).run()
            }
        } catch {
            throw ExitStatus.report(RuntimeFailure.unreachable("mcp-server: \(error)"))
        }
    }
}
