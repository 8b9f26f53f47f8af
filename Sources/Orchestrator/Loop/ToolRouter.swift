import MCP
import MCPGateway
import ModelClient

/// Where the orchestrator finds and runs tools. ``MCPManager`` is the real one; apps may route
/// to tools of their own through it.
public protocol ToolRouter: Sendable {
    /// Every tool the model may call, under its qualified name.
    func namespace() async -> ToolNamespace

    /// Runs one tool; Task cancellation must reach the server (MCP: notifications/cancelled).
    func callTool(
        server: String, tool: String, arguments: [String: Value]?, timeout: Duration?,
        onProgress: MCPProgressHandler?
    ) async throws -> CallTool.Result
}

extension MCPManager: ToolRouter {}
