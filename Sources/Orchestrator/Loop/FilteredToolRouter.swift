import MCP
import MCPGateway
import ModelClient

/// A router that shows and runs only some of another router's tools and resources: what one
/// caller of a gateway may use, narrowed per request. The model sees only the kept tools and
/// the kept servers' resources, and a call or read of any other is refused here, whatever name
/// or URI the model makes up.
public struct FilteredToolRouter: ToolRouter {
    public let base: any ToolRouter
    private let isIncluded: @Sendable (QualifiedTool) -> Bool
    private let includesResources: @Sendable (String) -> Bool

    /// Keeps the tools `isIncluded` accepts, under the base router's qualified names, and the
    /// resources of the servers `includesResources` accepts (none unless given).
    public init(
        _ base: any ToolRouter, resourcesOf includesResources: @escaping @Sendable (String) -> Bool = { _ in false },
        isIncluded: @escaping @Sendable (QualifiedTool) -> Bool
    ) {
        self.base = base
        self.isIncluded = isIncluded
        self.includesResources = includesResources
    }

    /// A router with no tools and no resources at all.
    public static func none(_ base: any ToolRouter) -> FilteredToolRouter {
        FilteredToolRouter(base) { _ in false }
    }

    public func namespace() async -> ToolNamespace {
        await base.namespace().filter(isIncluded)
    }

    public func callTool(
        server: String, tool: String, arguments: [String: Value]?, timeout: Duration?, onProgress: MCPProgressHandler?
    ) async throws -> CallTool.Result {
        let kept = await namespace()
        guard kept.tools.contains(where: { $0.server == server && $0.tool.name == tool }) else {
            throw MCPManagerError.unknownTool(
                ToolNamespace.qualifiedName(server: server, tool: tool),
                suggestions: NameSuggestion.ranked(to: tool, in: kept.tools.map(\.qualifiedName)))
        }
        return try await base.callTool(server: server, tool: tool, arguments: arguments, timeout: timeout, onProgress: onProgress)
    }

    public func resourceServers() async -> [String] {
        await base.resourceServers().filter(includesResources)
    }

    public func listResources(server: String) async throws -> [Resource] {
        try await base.listResources(server: try await kept(server))
    }

    public func listResourceTemplates(server: String) async throws -> [Resource.Template] {
        try await base.listResourceTemplates(server: try await kept(server))
    }

    public func readResource(server: String, uri: String) async throws -> ReadResource.Result {
        try await base.readResource(server: try await kept(server), uri: uri)
    }

    /// `server` when its resources are kept; else the error naming those that are.
    private func kept(_ server: String) async throws -> String {
        let servers = await resourceServers()
        guard servers.contains(server) else { throw MCPManagerError.unknownServer(server, known: servers) }
        return server
    }
}
