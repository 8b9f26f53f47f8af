import Foundation
import GatewayRuntime
import MCP
import MCPGateway

/// `GET /openapi.json` and `GET /docs`: built on every request from the namespace as it is now
/// (servers come, go and send list_changed), filtered to the tools the caller's key may call.
extension GatewayAPI {
    /// The document as this caller sees it.
    func openAPIDocument(_ caller: Caller) async -> Value {
        let settings = runtime.config.server
        let builder = OpenAPIBuilder(version: LMGVersion.current, secured: !settings.apiKeys.isEmpty, rateLimited: settings.rateLimit != nil)
        let tools = await manager.namespace().tools.filter {
            caller.allows(server: $0.server, tool: $0.tool.name, qualifiedName: $0.qualifiedName)
        }
        return builder.document(tools: tools)
    }

    func openAPI(_ caller: Caller) async -> APIResponse {
        .json(await openAPIDocument(caller))
    }

    func docs(_ caller: Caller) async -> APIResponse {
        APIResponse(
            status: 200, headers: ["Content-Type": "text/html; charset=utf-8"],
            body: Data(DocsPage.html(await openAPIDocument(caller)).utf8))
    }
}
