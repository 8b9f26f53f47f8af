import MCP
import MCPGateway
import Orchestrator

/// A `ToolRouter` whose tools are closures in the process: the orchestrator's loop tested, or
/// an app's tools offered to the model, without any MCP server.
public struct InProcessToolRouter: ToolRouter {
    /// One tool: its definition, and what a call returns.
    public struct Entry: Sendable {
        public var server: String
        public var tool: Tool
        public var run: @Sendable ([String: Value]) async throws -> CallTool.Result

        public init(server: String, tool: Tool, run: @escaping @Sendable ([String: Value]) async throws -> CallTool.Result) {
            self.server = server
            self.tool = tool
            self.run = run
        }
    }

    private let entries: [Entry]
    private let tools: ToolNamespace

    public init(_ entries: [Entry]) {
        self.entries = entries
        tools = ToolNamespace(entries.map { ($0.server, $0.tool) })
    }

    public func namespace() async -> ToolNamespace { tools }

    public func callTool(
        server: String, tool: String, arguments: [String: Value]?, timeout: Duration?, onProgress: MCPProgressHandler?
    ) async throws -> CallTool.Result {
        guard let entry = entries.first(where: { $0.server == server && $0.tool.name == tool }) else {
            let names = entries.map { ToolNamespace.qualifiedName(server: $0.server, tool: $0.tool.name) }
            throw MCPManagerError.unknownTool(ToolNamespace.qualifiedName(server: server, tool: tool), suggestions: NameSuggestion.ranked(to: tool, in: names))
        }
        return try await entry.run(arguments ?? [:])
    }
}
