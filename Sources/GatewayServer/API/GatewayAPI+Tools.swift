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
        let body = try CallResultWriter.object(
            request.body, empty: "the request needs a JSON body",
            notObject: "the body must be a JSON object: {\"server_name\", \"tool_name\", \"arguments\"}")
        func name(_ field: String) throws -> String {
            switch body[field] {
            case .string(let text)?: return text
            case nil: throw APIError.badRequest("field '\(field)' is required")
            case .null?: throw APIError.badRequest("field '\(field)' must be a string, not null")
            default: throw APIError.badRequest("field '\(field)' must be a string")
            }
        }
        let server = try name("server_name"), tool = try name("tool_name")
        let arguments: [String: Value]
        switch body["arguments"] {
        case nil, .null?: arguments = [:]
        case .object(let object)?: arguments = object
        default: throw APIError.badRequest("field 'arguments' must be an object")
        }
        return try await call(server: server, tool: tool, arguments: arguments, caller)
    }

    /// `POST /tools/{server}/{tool}`: the body is the arguments object (none is `{}`), the
    /// answer the same as `/mcp/tools/call`'s.
    func callTypedTool(_ request: APIRequest, _ caller: Caller) async throws -> APIResponse {
        let arguments = try CallResultWriter.object(
            request.body, empty: nil, notObject: "the body must be a JSON object: the tool's arguments by name")
        return try await call(server: request.parameters["server"] ?? "", tool: request.parameters["tool"] ?? "", arguments: arguments, caller)
    }

    /// One call by either route: the server and tool must exist and be the caller's, and the
    /// arguments must match the tool's inputSchema (422 naming the field) before the server is asked.
    func call(server name: String, tool: String, arguments: [String: Value], _ caller: Caller) async throws -> APIResponse {
        let server = try await knownServer(name, for: caller)
        let namespace = await manager.namespace()
        guard let target = namespace.tools.first(where: { $0.server == server && $0.tool.name == tool }) else {
            // Suggest only what this key may call: a hint must not reveal the tools it cannot see.
            let names = namespace.tools
                .filter { $0.server == server && caller.allows(server: server, tool: $0.tool.name, qualifiedName: $0.qualifiedName) }
                .map(\.tool.name)
            let hint = NameSuggestion.closest(to: tool, in: names).map { " (did you mean '\($0)'?)" } ?? ""
            throw APIError.notFound("server '\(server)' has no tool '\(tool)'\(hint)")
        }
        guard caller.allows(server: server, tool: target.tool.name, qualifiedName: target.qualifiedName) else {
            throw APIError(status: 403, code: "forbidden", message: "key '\(caller.keyName ?? "")' may not call '\(target.qualifiedName)'")
        }
        return CallResultWriter.response(try await measuredToolCall(server: server, tool: tool, arguments: arguments, check: {
            try ToolInputValidator(schema: target.tool.inputSchema).validate(arguments, tool: "\(server)/\(tool)")
        }))
    }
}
