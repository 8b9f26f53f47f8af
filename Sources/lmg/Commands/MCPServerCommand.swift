import ArgumentParser

/// Placeholder until the built-in server lands (replaced by its own file).
struct MCPServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "mcp-server", abstract: "Run the built-in MCP server.")
    func run() async throws {}
}
