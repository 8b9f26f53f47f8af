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
        return .object(["tools": .array(try visible.map { try Self.renamed($0.tool, to: $0.qualifiedName, server: $0.server) })])
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
        var items: [Value] = []
        for server in await servers() where await offersResources(server) {
            guard let listed = try? await manager.listResources(server: server) else { continue }
            for resource in listed { items.append(try Self.tagged(resource, server: server)) }
        }
        return .object(["resources": .array(items)])
    }

    /// `resources/templates/list`'s result.
    func resourceTemplates() async throws -> Value {
        var items: [Value] = []
        for server in await servers() where await offersResources(server) {
            guard let listed = try? await manager.listResourceTemplates(server: server) else { continue }
            for template in listed { items.append(try Self.tagged(template, server: server)) }
        }
        return .object(["resourceTemplates": .array(items)])
    }

    /// The server that answers for `uri`: one that lists it (first by name), else the one whose
    /// template's fixed prefix is the longest that `uri` starts with.
    func server(reading uri: String) async throws(JSONRPCErrorObject) -> String {
        var best: (server: String, prefix: Int)?
        for server in await servers() where await offersResources(server) {
            if let listed = try? await manager.listResources(server: server), listed.contains(where: { $0.uri == uri }) { return server }
            for template in (try? await manager.listResourceTemplates(server: server)) ?? [] {
                let prefix = template.uriTemplate.prefix { $0 != "{" }
                if !prefix.isEmpty, uri.hasPrefix(prefix), prefix.count > (best?.prefix ?? 0) { best = (server, prefix.count) }
            }
        }
        if let best { return best.server }
        throw JSONRPCErrorObject(code: JSONRPCErrorObject.resourceNotFound, message: "Resource not found: no server lists '\(uri)'",
                                 data: .object(["uri": .string(uri)]))
    }

    /// The prompts this caller may use, named as `/mcp/prompts` names them.
    func promptNamespace() async -> PromptNamespace {
        PromptNamespace(await manager.listAvailablePrompts().filter { caller.allows(server: $0.server) })
    }

    /// `prompts/list`'s result.
    func prompts() async throws -> Value {
        let namespace = await promptNamespace()
        return .object(["prompts": .array(try namespace.prompts.map { entry in
            guard case .object(var object) = try Self.value(entry.prompt) else { return .null }
            object["name"] = .string(entry.qualifiedName)
            object["_meta"] = Self.origin(entry.server, name: entry.prompt.name, existing: object["_meta"])
            return .object(object)
        })])
    }

    private func offersResources(_ server: String) async -> Bool {
        (try? await manager.client(named: server).serverCapabilities?.resources) != nil
    }

    // MARK: - Encoding

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
