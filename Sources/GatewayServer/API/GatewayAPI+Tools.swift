import Foundation
import MCP
import MCPGateway

/// Tools: the namespace, and calls by server and tool name.
extension GatewayAPI {
    struct ToolView: Encodable {
        let server: String
        let name: String
        let qualified_name: String
        let title: String?
        let description: String?
        let inputSchema: Value
        let outputSchema: Value?
        let annotations: Tool.Annotations?
    }

    /// Every exposed tool, or one server's (`?server_name=S`).
    func tools(_ request: APIRequest, _ caller: Caller) async throws -> APIResponse {
        struct List: Encodable { let tools: [ToolView] }
        var only: String?
        if let name = request.query["server_name"] { only = try await knownServer(name, for: caller) }
        let visible = await manager.namespace().tools.filter {
            (only == nil || $0.server == only) && caller.allows(server: $0.server, tool: $0.tool.name, qualifiedName: $0.qualifiedName)
        }
        let tools = visible.map {
            ToolView(
                server: $0.server, name: $0.tool.name, qualified_name: $0.qualifiedName, title: $0.tool.title,
                description: $0.tool.description, inputSchema: $0.tool.inputSchema, outputSchema: $0.tool.outputSchema,
                annotations: $0.tool.annotations.isEmpty ? nil : $0.tool.annotations)
        }
        return .json(List(tools: tools))
    }

    /// `{"server_name", "tool_name", "arguments"}` → the CallToolResult; a tool's `isError` is
    /// still a 200: the call went through, and its result says it failed.
    func callTool(_ request: APIRequest, _ caller: Caller) async throws -> APIResponse {
        struct Body: Decodable {
            let server_name: String
            let tool_name: String
            let arguments: [String: Value]?
        }
        let call = try body(request, as: Body.self)
        return try await self.call(server: call.server_name, tool: call.tool_name, arguments: call.arguments ?? [:], caller)
    }

    /// `POST /tools/{server}/{tool}`: the body is the arguments object (none is `{}`), the
    /// answer the same as `/mcp/tools/call`'s.
    func callTypedTool(_ request: APIRequest, _ caller: Caller) async throws -> APIResponse {
        var arguments: [String: Value] = [:]
        if !request.body.allSatisfy({ [0x20, 0x09, 0x0a, 0x0d].contains($0) }) {
            guard let value = try? JSONDecoder().decode(Value.self, from: request.body) else {
                throw APIError.badRequest("the body is not valid JSON: send the tool's arguments as a JSON object")
            }
            guard case .object(let object) = value else {
                throw APIError.badRequest("the body must be a JSON object: the tool's arguments by name")
            }
            arguments = object
        }
        return try await call(server: request.parameters["server"] ?? "", tool: request.parameters["tool"] ?? "", arguments: arguments, caller)
    }

    /// One call by either route: the server and tool must exist and be the caller's, and the
    /// arguments must match the tool's inputSchema (422 naming the field) before the server is asked.
    func call(server name: String, tool: String, arguments: [String: Value], _ caller: Caller) async throws -> APIResponse {
        let server = try await knownServer(name, for: caller)
        let namespace = await manager.namespace()
        guard let target = namespace.tools.first(where: { $0.server == server && $0.tool.name == tool }) else {
            let names = namespace.tools.filter { $0.server == server }.map(\.tool.name)
            let hint = NameSuggestion.closest(to: tool, in: names).map { " (did you mean '\($0)'?)" } ?? ""
            throw APIError.notFound("server '\(server)' has no tool '\(tool)'\(hint)")
        }
        guard caller.allows(server: server, tool: target.tool.name, qualifiedName: target.qualifiedName) else {
            throw APIError(status: 403, code: "forbidden", message: "key '\(caller.keyName ?? "")' may not call '\(target.qualifiedName)'")
        }
        return .json(try await measuredToolCall(server: server, tool: tool, arguments: arguments) {
            try ToolInputValidator(schema: target.tool.inputSchema).validate(arguments, tool: "\(server)/\(tool)")
        })
    }
}
