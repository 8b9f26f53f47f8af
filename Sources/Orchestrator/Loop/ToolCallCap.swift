import ModelClient
import MCP
import MCPGateway

/// The app-wide ceiling on a tool call (``OrchestratorOptions/toolTimeoutCap``), applied around
/// the router so any router gets it: the server's own limit still runs inside, and the call
/// ends at whichever limit comes first.
enum ToolCallCap {
    /// Runs `call`; when `cap` passes first it is cancelled (an MCP server hears
    /// notifications/cancelled, as for any cancelled call) and a timeout error is thrown.
    static func run(
        _ cap: Duration?, server: String, _ call: @escaping @Sendable () async throws -> CallTool.Result
    ) async throws -> CallTool.Result {
        guard let cap else { return try await call() }
        return try await withThrowingTaskGroup(of: CallTool.Result?.self) { group in
            group.addTask { try await call() }
            group.addTask {
                try await Task.sleep(for: cap)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let result = first else {
                throw MCPClientError(
                    .timedOut(cap), server: server, method: "tools/call",
                    "no answer within \(cap) (the app's cap on tool calls)")
            }
            return result
        }
    }
}
