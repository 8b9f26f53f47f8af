import MCP
import MCPGateway
import Orchestrator

/// A `ToolRouter` whose tools and resources are closures in the process: the orchestrator's
/// loop tested, or an app's tools and documents offered to the model, without any MCP server.
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

    /// One resource: its listing, and what a read returns (asked at every read).
    public struct ResourceEntry: Sendable {
        public var server: String
        public var resource: Resource
        public var read: @Sendable () async throws -> [Resource.Content]

        public init(server: String, resource: Resource, read: @escaping @Sendable () async throws -> [Resource.Content]) {
            self.server = server
            self.resource = resource
            self.read = read
        }
    }

    private let entries: [Entry]
    private let tools: ToolNamespace
    private let resources: [ResourceEntry]

    public init(_ entries: [Entry], resources: [ResourceEntry] = []) {
        self.entries = entries
        self.resources = resources
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

    public func resourceServers() async -> [String] {
        resources.map(\.server).reduce(into: []) { servers, server in if !servers.contains(server) { servers.append(server) } }
    }

    public func listResources(server: String) async throws -> [Resource] {
        resources.filter { $0.server == server }.map(\.resource)
    }

    public func readResource(server: String, uri: String) async throws -> ReadResource.Result {
        guard let entry = resources.first(where: { $0.server == server && $0.resource.uri == uri }) else {
            throw MCPError.invalidParams("Unknown resource: \(uri)")
        }
        return ReadResource.Result(contents: try await entry.read())
    }
}
