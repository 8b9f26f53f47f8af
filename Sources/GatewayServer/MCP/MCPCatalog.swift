import Foundation
import GatewayRuntime
import JSONRPC
import MCP
import MCPGateway

/// What `/mcp` shows a caller: the manager's tools and prompts under their qualified names
/// (`server__name`, as `/mcp/tools` and the model see them), resources and templates under
/// their own URIs, each list narrowed to the servers and tools the caller's key may use.
///
/// Resources keep their URIs because tool results and other resources link to them; a read
/// goes to the server that lists the URI, else to the server whose template fits it best.
struct MCPCatalog: Sendable {
    let api: GatewayAPI
    let caller: Caller

    var manager: MCPManager { api.manager }

    /// `tools/list`'s result.
    func tools() async throws -> Value {
        let visible = await manager.namespace().tools.filter {
            caller.allows(server: $0.server, tool: $0.tool.name, qualifiedName: $0.qualifiedName)
        }
        return try Self.toolList(visible)
    }

    /// The tool a qualified name stands for, when this caller may call it; else the error that
    /// names the closest tools it may call.
    func tool(named name: String) async throws(JSONRPCErrorObject) -> QualifiedTool {
        let namespace = await manager.namespace()
        if let target = namespace.resolve(name), caller.allows(server: target.server, tool: target.tool.name, qualifiedName: name) {
            return target
        }
        let allowed = namespace.tools.filter { caller.allows(server: $0.server, tool: $0.tool.name, qualifiedName: $0.qualifiedName) }
        let hint = NameSuggestion.closest(to: name, in: allowed.map(\.qualifiedName)).map { " (did you mean '\($0)'?)" } ?? ""
        throw JSONRPCErrorObject(code: JSONRPCErrorObject.invalidParams, message: "Unknown tool: '\(name)'\(hint)")
    }

    /// The servers this caller may list that are up now.
    func servers() async -> [String] {
        await manager.status().filter { $0.isUsable && caller.allows(server: $0.name) }.map(\.name)
    }

    /// `resources/list`'s result: every server's resources, in server order.
    func resources() async throws -> Value {
        var listed: [(server: String, resource: Resource)] = []
        for server in await resourceServers() {
            guard let resources = try? await manager.listResources(server: server) else { continue }
            listed += resources.map { (server, $0) }
        }
        return try Self.list("resources", listed.map { ($0.server, $0.resource) })
    }

    /// `resources/templates/list`'s result.
    func resourceTemplates() async throws -> Value {
        var listed: [(server: String, template: Resource.Template)] = []
        for server in await resourceServers() {
            guard let templates = try? await manager.listResourceTemplates(server: server) else { continue }
            listed += templates.map { (server, $0) }
        }
        return try Self.list("resourceTemplates", listed.map { ($0.server, $0.template) })
    }

    /// The server that answers for `uri`: one that lists it (first by name), else the one whose
    /// template fits it most specifically (``ResourceLocator``, as the model's reads are routed).
    func server(reading uri: String) async throws(JSONRPCErrorObject) -> String {
        let servers = await resourceServers()
        // Resource lists are cached by the clients; templates are asked for only when no
        // server lists the URI itself.
        var lists: [(server: String, resources: [Resource])] = []
        for server in servers { lists.append((server, (try? await manager.listResources(server: server)) ?? [])) }
        if let listing = ResourceLocator.listing(uri, in: lists).first { return listing }
        var templates: [(server: String, templates: [Resource.Template])] = []
        for server in servers { templates.append((server, (try? await manager.listResourceTemplates(server: server)) ?? [])) }
        if let best = ResourceLocator.bestTemplates(for: uri, in: templates).first { return best }
        throw JSONRPCErrorObject(code: JSONRPCErrorObject.resourceNotFound, message: "Resource not found: no server lists '\(uri)'",
                                 data: .object(["uri": .string(uri)]))
    }

    /// The usable servers this caller may list that offer resources.
    private func resourceServers() async -> [String] {
        var offering: [String] = []
        for server in await servers() {
            let capabilities = try? await manager.client(named: server).serverCapabilities
            if capabilities?.resources != nil { offering.append(server) }
        }
        return offering
    }

    /// The prompts this caller may use, named as `/mcp/prompts` names them.
    func promptNamespace() async -> PromptNamespace {
        PromptNamespace(await manager.listAvailablePrompts().filter { caller.allows(server: $0.server) })
    }

    /// `prompts/list`'s result.
    func prompts() async throws -> Value {
        return try Self.promptList(await promptNamespace().prompts)
    }

    // MARK: - Encoding
    //
    // Synchronous on purpose: a throwing closure inside these async methods crashed the 6.3
    // compiler's coroutine splitting in release builds.

    static func toolList(_ tools: [QualifiedTool]) throws -> Value {
        var items: [Value] = []
        for entry in tools { items.append(try renamed(entry.tool, to: entry.qualifiedName, server: entry.server)) }
        return .object(["tools": .array(items)])
    }

    static func list<T: Encodable>(_ member: String, _ items: [(String, T)]) throws -> Value {
        var values: [Value] = []
        for (server, item) in items { values.append(try tagged(item, server: server)) }
        return .object([member: .array(values)])
    }

    static func promptList(_ prompts: [QualifiedPrompt]) throws -> Value {
        var items: [Value] = []
        for entry in prompts {
            guard case .object(var object) = try value(entry.prompt) else { continue }
            object["name"] = .string(entry.qualifiedName)
            object["_meta"] = origin(entry.server, name: entry.prompt.name, existing: object["_meta"])
            items.append(.object(object))
        }
        return .object(["prompts": .array(items)])
    }

    /// `tool` as `tools/list` lists it, under the gateway's name, with where it comes from in `_meta`.
    static func renamed(_ tool: Tool, to name: String, server: String) throws -> Value {
        guard case .object(var object) = try value(tool) else { return .null }
        object["name"] = .string(name)
        object["_meta"] = origin(server, name: tool.name, existing: object["_meta"])
        return .object(object)
    }

    static func tagged<T: Encodable>(_ item: T, server: String) throws -> Value {
        guard case .object(var object) = try value(item) else { return .null }
        object["_meta"] = origin(server, name: nil, existing: object["_meta"])
        return .object(object)
    }

    /// `_meta` with `lmg/server` (and `lmg/name`, the server's own name for it) added.
    static func origin(_ server: String, name: String?, existing: Value?) -> Value {
        var meta: [String: Value] = if case .object(let members)? = existing { members } else { [:] }
        meta["lmg/server"] = .string(server)
        if let name { meta["lmg/name"] = .string(name) }
        return .object(meta)
    }

    static func value<T: Encodable>(_ item: T) throws -> Value {
        try JSONValueParser.parse(JSONRPCCoding.encode(item))
    }
}
