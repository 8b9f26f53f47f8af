import MCP
import MCPGateway
import ModelClient

/// A router that shows and runs only some of another router's tools: what one caller of a
/// gateway may use, narrowed per request. The model sees only the kept tools, and a call to any
/// other is refused here, whatever name the model makes up.
public struct FilteredToolRouter: ToolRouter {
    public let base: any ToolRouter
    private let isIncluded: @Sendable (QualifiedTool) -> Bool

    /// Keeps the tools `isIncluded` accepts, under the base router's qualified names.
    public init(_ base: any ToolRouter, isIncluded: @escaping @Sendable (QualifiedTool) -> Bool) {
        self.base = base
        self.isIncluded = isIncluded
    }

    /// A router with no tools at all.
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
}
