import Foundation
import GatewayRuntime
import MCP
import MCPGateway

/// Servers added, replaced and removed over HTTP (admin keys): checked before anything starts,
/// written to the store before the manager changes (a store failure changes nothing).
/// Config-file servers stay the file's; a name cannot be in both.
extension GatewayAPI {
    /// A server entry accepted from a request body, and what the store keeps of it.
    struct AcceptedEntry {
        let config: MCPServerConfig
        /// The body's object with its `name`, as JSON.
        let stored: StoredServer
    }

    /// A server entry from a request body: the config file's keys, no `${VAR}` expansion (the
    /// gateway's environment is not the caller's to read), stdio only when allowed, URLs checked.
    func entry(_ request: APIRequest, name: String?) async throws -> AcceptedEntry {
        guard !request.body.isEmpty, case .object(var object)? = try? JSONDecoder().decode(Value.self, from: request.body) else {
            throw APIError.badRequest("the body must be a JSON object: a server entry with its \"name\"")
        }
        let bodyName = object["name"]?.stringValue
        guard let serverName = name ?? bodyName, !serverName.isEmpty else { throw APIError.badRequest("field 'name' is required") }
        if let name, let bodyName, bodyName != name {
            throw APIError.badRequest("field 'name': \"\(bodyName)\" does not match the path's \"\(name)\"")
        }
        object["name"] = .string(serverName)
        let config = try await checked(object, name: serverName, source: "request", resolver: resolver)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return AcceptedEntry(config: config, stored: StoredServer(name: serverName, json: try encoder.encode(Value.object(object))))
    }

    /// `object` read as a config-file entry (errors name `source`) and held to the rules for
    /// servers added over HTTP: a plain name, stdio only when allowed, the URL's host allowed and
    /// not resolving to a link-local or metadata address.
    func checked(_ object: [String: Value], name: String, source: String, resolver: any HostResolver) async throws -> MCPServerConfig {
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }) else {
            throw APIError.badRequest("field 'name': use letters, digits, '-', '_' and '.' only")
        }
        guard !Self.reservedServerNames.contains(name) else {
            throw APIError.badRequest("field 'name': \"\(name)\" is taken by the route /mcp/servers/\(name); choose another name")
        }
        var fields = ConfigFields(file: source, environment: [:])
        let config = try fields.readServer(name: name, .object(object))
        let settings = runtime.config.server
        switch config.transport {
        case .stdio:
            guard settings.allowStdioServers else {
                throw APIError(status: 403, code: "forbidden", message: "stdio servers (\"command\") cannot be added over HTTP unless server.allow_stdio_servers is true: it would let a key run any program here")
            }
        case .http, .sse, .ws:
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

    func addServer(_ request: APIRequest, _ caller: Caller) async throws -> APIResponse {
        let accepted = try await entry(request, name: nil)
        let name = accepted.config.name
        try mayChange(name, caller)
        return try await whileChanging(name) {
            guard await !manager.serverNames.contains(name) else {
                throw APIError(status: 409, code: "conflict", message: "a server named '\(name)' exists already; PUT /mcp/servers/\(name) replaces one added over HTTP")
            }
            try await record { try await store.save(accepted.stored) }
            await registry.add(accepted.config, entry: accepted.stored.json)
            await manager.addServers([accepted.config])
            return await statusResponse(name, status: 201)
        }
    }

    func replaceServer(_ request: APIRequest, name: String, _ caller: Caller) async throws -> APIResponse {
        try mayChange(name, caller)
        try await requireAdded(name)
        let accepted = try await entry(request, name: name)
        return try await whileChanging(name) {
            try await requireAdded(name)
            try await record { try await store.save(accepted.stored) }
            await registry.add(accepted.config, entry: accepted.stored.json)
            await manager.addServers([accepted.config])
            return await statusResponse(name, status: 200)
        }
    }

    func removeServer(name: String, _ caller: Caller) async throws -> APIResponse {
        try mayChange(name, caller)
        if await isSkippedAtStart(name) {
            return try await whileChanging(name) {
                // Stored, never started (see restoreStoredServers): removing it only forgets it.
                try await record { try await store.delete(name: name) }
                return APIResponse(status: 204)
            }
        }
        try await requireAdded(name)
        return try await whileChanging(name) {
            try await requireAdded(name)
            try await record { try await store.delete(name: name) }
            await registry.remove(name)
            await manager.removeServer(named: name)
            return APIResponse(status: 204)
        }
    }

    /// An admin key limited by `servers` changes only those.
    func mayChange(_ name: String, _ caller: Caller) throws {
        guard caller.allows(server: name) else {
            throw APIError(status: 403, code: "forbidden", message: "key '\(caller.keyName ?? "")' may not change server '\(name)' (see its servers)")
        }
    }

    /// Runs `change` with `name` held, so two requests cannot change one server at once (each
    /// waits on the store); a second one meanwhile is a 409.
    func whileChanging(_ name: String, _ change: () async throws -> APIResponse) async throws -> APIResponse {
        guard await registry.claim(name) else {
            throw APIError(status: 409, code: "conflict", message: "server '\(name)' is being changed by another request; try again")
        }
        do {
            let response = try await change()
            await registry.release(name)
            return response
        } catch {
            await registry.release(name)
            throw error
        }
    }

    /// A write to the store, before the manager changes: a failure is a 503 and nothing changed.
    func record(_ write: () async throws -> Void) async throws {
        do {
            try await write()
        } catch {
            throw APIError(status: 503, code: "store_unavailable", message: "\(error); nothing was changed")
        }
    }

    /// A stored entry that ``restoreStoredServers()`` skipped: in the store, not the registry,
    /// not a config-file name.
    func isSkippedAtStart(_ name: String) async -> Bool {
        guard await !registry.isFileServer(name), await !registry.contains(name) else { return false }
        return (try? await store.load().contains { $0.name == name }) ?? false
    }

    /// For the config reloader (``ConfigReloader``'s `alongside`): the servers added over HTTP
    /// that keep running beside the file's new `servers`, and the names the file now takes from
    /// them (the file wins; the stored entry stays, and comes back when the file lets go).
    public func serversAlongside(file servers: [MCPServerConfig]) async -> (servers: [MCPServerConfig], shadowed: [String]) {
        await registry.fileChanged(servers)
    }

    /// Only servers added over HTTP change over HTTP.
    func requireAdded(_ name: String) async throws {
        if await registry.isFileServer(name) {
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
    /// Each added server's entry as stored, to tell a change made elsewhere (a shared store).
    private var entries: [String: Data] = [:]
    /// Stored entries a sync left out, by name (see `GatewayAPI.syncWithStore`).
    var unusable: [String: Data] = [:]
    /// The config file's servers, as last loaded: their names never change over HTTP.
    private(set) var fileConfigs: [MCPServerConfig]
    /// Names a request is changing now (see `GatewayAPI.whileChanging`).
    private var changing: Set<String> = []

    init(file: [MCPServerConfig] = []) { fileConfigs = file }

    private var fileNames: Set<String> { Set(fileConfigs.map(\.name)) }

    /// Every configured server: the file's, then those added over HTTP that it does not shadow.
    var all: [MCPServerConfig] {
        let fileNames = fileNames
        return (fileConfigs + configs.filter { !fileNames.contains($0.name) }).sorted { $0.name < $1.name }
    }

    func add(_ config: MCPServerConfig, entry: Data) {
        added[config.name] = config
        entries[config.name] = entry
    }
    func remove(_ name: String) {
        added[name] = nil
        entries[name] = nil
    }
    func entry(_ name: String) -> Data? { entries[name] }
    func contains(_ name: String) -> Bool { added[name] != nil }
    var names: [String] { added.keys.sorted() }
    var configs: [MCPServerConfig] { added.keys.sorted().map { added[$0]! } }
    func isFileServer(_ name: String) -> Bool { fileNames.contains(name) }
    /// After a reload of the file: its names, and the servers added over HTTP that run beside
    /// them (the file wins a name it shares with one).
    func fileChanged(_ servers: [MCPServerConfig]) -> (servers: [MCPServerConfig], shadowed: [String]) {
        let names = Set(servers.map(\.name))
        fileConfigs = servers
        let shadowed = added.keys.filter(names.contains).sorted()
        return (configs.filter { !names.contains($0.name) }, shadowed)
    }
    /// Holds `name` for one change; false when another request holds it.
    func claim(_ name: String) -> Bool { changing.insert(name).inserted }
    func release(_ name: String) { changing.remove(name) }
}
