import Foundation
import GatewayRuntime
import MCP
import MCPGateway

/// `GET /metrics`, and the one place tool calls and token refreshes are counted.
extension GatewayAPI {
    /// The role `route` needs: `/metrics` needs none when `server.metrics_public` is true, since
    /// a Prometheus scraper usually sends no bearer key.
    func role(of route: Route) -> APIKey.Role? {
        route.path == "/metrics" && runtime.config.server.metricsPublic ? nil : route.role
    }

    /// The Prometheus text exposition. It names every server and tool, so with keys only a key
    /// that may see every server and tool reads it (a key limited by `servers` or `tools` gets 403).
    func metricsExposition(_ caller: Caller) async throws -> APIResponse {
        guard caller.servers == nil && caller.tools == nil else {
            throw APIError(
                status: 403, code: "forbidden",
                message: "/metrics names every server and tool; key '\(caller.keyName ?? "")' is limited to some (servers/tools in server.api_keys)")
        }
        let text = metrics.exposition(servers: await manager.status())
        return APIResponse(status: 200, headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"], body: Data(text.utf8))
    }

    /// Calls `tool` of `server` (both known) through the manager, counting the outcome in
    /// `lmg_tool_calls_total` and timing calls that reach the server. `check` runs first (an
    /// argument check): what it throws is counted as well, and nothing is sent.
    func measuredToolCall(
        server: String, tool: String, arguments: [String: Value]?, onProgress: MCPProgressHandler? = nil, check: () throws -> Void = {}
    ) async throws -> CallTool.Result {
        do {
            try check()
        } catch {
            metrics.recordToolCall(server: server, tool: tool, outcome: ToolCallOutcomeLabel(error: error), upstream: nil)
            throw error
        }
        return try await measure(server: server, tool: tool) {
            try await manager.callTool(server: server, tool: tool, arguments: arguments, onProgress: onProgress)
        }
    }

    /// Runs `call` and records how it ended; its duration counts as upstream latency only when
    /// the call reached the server.
    func measure(server: String, tool: String, _ call: () async throws -> CallTool.Result) async throws -> CallTool.Result {
        let clock = ContinuousClock()
        let started = clock.now
        do {
            let result = try await call()
            metrics.recordToolCall(server: server, tool: tool, outcome: ToolCallOutcomeLabel(result: result), upstream: clock.now - started)
            return result
        } catch {
            let outcome = ToolCallOutcomeLabel(error: error)
            metrics.recordToolCall(server: server, tool: tool, outcome: outcome, upstream: outcome.wentUpstream ? clock.now - started : nil)
            throw error
        }
    }

    /// Counts one refresh per server that holds a token or failed to get one.
    func recordTokenRefreshes(_ statuses: [ServerStatus], failures: [String: OAuth2Error]) {
        for server in statuses where server.tokenExpiresAt != nil || failures[server.name] != nil {
            metrics.recordTokenRefresh(server: server.name, succeeded: failures[server.name] == nil)
        }
    }
}
