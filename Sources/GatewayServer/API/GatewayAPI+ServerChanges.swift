import Foundation
import GatewayRuntime
import MCP
import MCPGateway

/// Servers added, replaced and removed over HTTP (admin keys): checked before anything starts.
/// Config-file servers stay the file's; a name cannot be in both.
extension GatewayAPI {
    /// A server entry from a request body: the config file's keys, no `${VAR}` expansion (the
    /// gateway's environment is not the caller's to read), stdio only when allowed, URLs checked.
    func entry(_ request: APIRequest, name: String?) async throws -> MCPServerConfig {
        guard !request.body.isEmpty, case .object(let object)? = try? JSONDecoder().decode(Value.self, from: request.body) else {
            throw APIError.badRequest("the body must be a JSON object: a server entry with its \"name\"")
        }
        let bodyName = object["name"]?.stringValue
        guard let serverName = name ?? bodyName, !serverName.isEmpty else { throw APIError.badRequest("field 'name' is required") }
        if let name, let bodyName, bodyName != name {
            throw APIError.badRequest("field 'name': \"\(bodyName)\" does not match the path's \"\(name)\"")
        }
        guard serverName.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }) else {
            throw APIError.badRequest("field 'name': use letters, digits, '-', '_' and '.' only")
        }
        guard !Self.reservedServerNames.contains(serverName) else {
            throw APIError.badRequest("field 'name': \"\(serverName)\" is taken by the route /mcp/servers/\(serverName); choose another name")
        }
        var fields = ConfigFields(file: "request", environment: [:])
        let config = try fields.readServer(name: serverName, .object(object))
        let settings = runtime.config.server
        switch config.transport {
        case .stdio:
            guard settings.allowStdioServers else {
                throw APIError(status: 403, code: "forbidden", message: "stdio servers (\"command\") cannot be added over HTTP unless server.allow_stdio_servers is true: it would let a key run any program here")
            }
        case .http, .sse:
            try await AddressPolicy(allowedHosts: settings.allowedURLHosts, resolver: resolver).check(config.url ?? "")
        }
        return config
    }

    /// Names that would make `/mcp/servers/{name}` another route (and `.`/`..` a path step).
    static let reservedServerNames: Set<String> = ["status", ".", ".."]

    /// The status of one server, after its first connect attempt ended.
    func statusResponse(_ name: String, status: Int) async -> APIResponse {
        let server = await manager.status().first { $0.name == name }
        return .json(server, status: status)
    }

    func addServer(_ request: APIRequest) async throws -> APIResponse {
        let config = try await entry(request, name: nil)
        guard await !manager.serverNames.contains(config.name) else {
            throw APIError(status: 409, code: "conflict", message: "a server named '\(config.name)' exists already; PUT /mcp/servers/\(config.name) replaces one added over HTTP")
        }
        await registry.add(config)
        await manager.addServers([config])
        return await statusResponse(config.name, status: 201)
    }

    func replaceServer(_ request: APIRequest, name: String) async throws -> APIResponse {
        try await requireAdded(name)
        let config = try await entry(request, name: name)
        await registry.add(config)
        await manager.addServers([config])
        return await statusResponse(name, status: 200)
    }

    func removeServer(name: String) async throws -> APIResponse {
        try await requireAdded(name)
        await registry.remove(name)
        await manager.removeServer(named: name)
        return APIResponse(status: 204)
    }

    /// Only servers added over HTTP change over HTTP.
    func requireAdded(_ name: String) async throws {
        if runtime.config.server(named: name) != nil {
            throw APIError(status: 409, code: "conflict", message: "server '\(name)' is defined in the config file: change it there")
        }
        guard await registry.contains(name) else {
            let known = await registry.names
            let hint = NameSuggestion.closest(to: name, in: known).map { " (did you mean '\($0)'?)" } ?? ""
            throw APIError.notFound("no server '\(name)' was added over HTTP\(hint)")
        }
    }
}

/// The servers added over HTTP, by name.
actor ServerRegistry {
    private var added: [String: MCPServerConfig] = [:]

    func add(_ config: MCPServerConfig) { added[config.name] = config }
    func remove(_ name: String) { added[name] = nil }
    func contains(_ name: String) -> Bool { added[name] != nil }
    var names: [String] { added.keys.sorted() }
    var configs: [MCPServerConfig] { added.keys.sorted().map { added[$0]! } }
}
