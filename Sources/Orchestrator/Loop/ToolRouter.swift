import MCP
import MCPGateway
import ModelClient

/// Where the orchestrator finds and runs tools, and reads resources. ``MCPManager`` is the real
/// one; apps may route to tools and resources of their own through it.
public protocol ToolRouter: Sendable {
    /// Every tool the model may call, under its qualified name.
    func namespace() async -> ToolNamespace

    /// Runs one tool; Task cancellation must reach the server (MCP: notifications/cancelled).
    func callTool(
        server: String, tool: String, arguments: [String: Value]?, timeout: Duration?,
        onProgress: MCPProgressHandler?
    ) async throws -> CallTool.Result

    /// The servers whose resources the model may list and read, by name. None by default: a
    /// router without resources offers the model no resource functions.
    func resourceServers() async -> [String]

    /// One server's resources (one of ``resourceServers()``).
    func listResources(server: String) async throws -> [Resource]

    /// One server's resource templates; empty when it has none.
    func listResourceTemplates(server: String) async throws -> [Resource.Template]

    /// Reads one resource, asking the server every time (a resource changes; a read is never
    /// served from a cache).
    func readResource(server: String, uri: String) async throws -> ReadResource.Result
}

extension ToolRouter {
    public func resourceServers() async -> [String] { [] }
    public func listResources(server: String) async throws -> [Resource] { [] }
    public func listResourceTemplates(server: String) async throws -> [Resource.Template] { [] }
    public func readResource(server: String, uri: String) async throws -> ReadResource.Result {
        throw MCPManagerError.unknownServer(server, known: [])
    }
}

extension MCPManager: ToolRouter {}
