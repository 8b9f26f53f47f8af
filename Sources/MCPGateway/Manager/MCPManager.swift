import Foundation
import MCP

/// Many MCP servers behind one interface: connects them concurrently, keeps each failure to
/// its own server, and routes calls by server name.
public actor MCPManager {
    private var entries: [String: Entry] = [:]
    private let options: MCPClientOptions

    struct Entry {
        var config: MCPServerConfig
        var client: MCPClient?
        var state: ServerStatus.State
        var error: String?
        var connecting: Task<Void, Never>?
        var failure: (any Error)?
    }

    public init(options: MCPClientOptions = .init()) {
        self.options = options
    }

    /// Adds servers and connects the enabled ones concurrently; returns when all have succeeded or failed.
    /// A server that fails is recorded in `status()`; it never stops the others.
    public func addServers(_ configs: [MCPServerConfig]) async {
        var tasks: [Task<Void, Never>] = []
        for config in configs {
            if let task = register(config) { tasks.append(task) }
        }
        for task in tasks { await task.value }
    }

    /// Adds one server and connects it; throws its connection error.
    public func addServer(_ config: MCPServerConfig) async throws {
        await register(config)?.value
        if let entry = entries[config.name], entry.state == .failed {
            throw entry.lastError ?? MCPClientError(.notConnected, server: config.name, "could not connect")
        }
    }

    @discardableResult
    private func register(_ config: MCPServerConfig) -> Task<Void, Never>? {
        guard config.enabled else {
            entries[config.name] = Entry(config: config, client: nil, state: .disabled)
            return nil
        }
        let client = MCPClient(config: config, options: options)
        var entry = Entry(config: config, client: client, state: .connecting)
        let task = Task { await self.connect(client) }
        entry.connecting = task
        entries[config.name] = entry
        return task
    }

    private func connect(_ client: MCPClient) async {
        do {
            try await client.connect()
            // Fetch the tool list now: a server is only useful once its tools are known.
            _ = try await client.listTools()
            entries[client.name]?.state = .ready
            entries[client.name]?.error = nil
        } catch {
            entries[client.name]?.state = .failed
            entries[client.name]?.error = "\(error)"
            entries[client.name]?.failure = error
            await client.close()
        }
        entries[client.name]?.connecting = nil
    }

    /// Shuts a server down and forgets it.
    public func removeServer(named name: String) async {
        guard let entry = entries.removeValue(forKey: name) else { return }
        entry.connecting?.cancel()
        await entry.client?.close()
    }

    /// The names of all servers, sorted.
    public var serverNames: [String] { entries.keys.sorted() }

    /// The connected client for `name`, or an error that says why there is none.
    public func client(named name: String) throws -> MCPClient {
        guard let entry = entries[name] else {
            let known = entries.keys.sorted().joined(separator: ", ")
            throw MCPClientError(.notConnected, server: name, "no such server (configured: \(known.isEmpty ? "none" : known))", requestWasNotSent: true)
        }
        switch entry.state {
        case .ready:
            return entry.client!
        case .disabled:
            throw MCPClientError(.notConnected, server: name, "the server is disabled in the configuration", requestWasNotSent: true)
        default:
            throw entry.lastError ?? MCPClientError(.notConnected, server: name, "not connected", requestWasNotSent: true)
        }
    }

    /// Every exposed tool of every ready server, with its server, sorted by server then tool.
    public func listAvailableTools() async -> [(server: String, tool: Tool)] {
        var result: [(String, Tool)] = []
        for name in entries.keys.sorted() {
            guard let entry = entries[name], entry.state == .ready, let client = entry.client else { continue }
            let tools = (try? await client.listTools()) ?? []
            for tool in tools where entry.config.exposes(tool: tool.name) {
                result.append((name, tool))
            }
        }
        return result
    }

    /// Calls `tool` on `server`; a tool hidden by allowed_tools/disabled_tools is refused.
    public func callTool(
        server: String, tool: String, arguments: [String: Value]? = nil, timeout: Duration? = nil,
        onProgress: MCPProgressHandler? = nil
    ) async throws -> CallTool.Result {
        let client = try client(named: server)
        guard client.config.exposes(tool: tool) else {
            throw MCPClientError(.server(code: -32602), server: server, method: "tools/call", "tool '\(tool)' is disabled by the configuration")
        }
        return try await client.callTool(tool, arguments: arguments, timeout: timeout, onProgress: onProgress)
    }

    /// Every exposed tool under its gateway-wide qualified name (`server__tool`), the namespace
    /// models see. Name clashes are resolved deterministically; `namespace().collisions` says how.
    public func tools() async -> [QualifiedTool] {
        await namespace().tools
    }

    /// The namespace over every ready server's exposed tools, built from the cached tool lists.
    public func namespace() async -> ToolNamespace {
        ToolNamespace(await listAvailableTools())
    }

    /// Calls a tool by its qualified name; an unknown name is refused with the closest known names.
    public func callTool(
        qualifiedName: String, arguments: [String: Value]? = nil, timeout: Duration? = nil,
        onProgress: MCPProgressHandler? = nil
    ) async throws -> CallTool.Result {
        let namespace = await namespace()
        guard let target = namespace.resolve(qualifiedName) else {
            throw MCPManagerError.unknownTool(qualifiedName, suggestions: namespace.closestNames(to: qualifiedName))
        }
        return try await callTool(
            server: target.server, tool: target.tool.name, arguments: arguments, timeout: timeout, onProgress: onProgress)
    }

    /// Per-server state, in name order.
    public func status() -> [ServerStatus] {
        entries.keys.sorted().map { name in
            let entry = entries[name]!
            let client = entry.client
            return ServerStatus(
                name: name,
                transport: client?.transportName ?? entry.config.transport.rawValue,
                state: entry.state,
                endpoint: entry.config.endpointDescription,
                protocolVersion: client?.protocolVersion,
                serverName: client?.serverInfo?.name,
                serverVersion: client?.serverInfo?.version,
                tools: entry.state == .ready ? client?.cachedTools.map { $0.filter { entry.config.exposes(tool: $0.name) }.count } : nil,
                error: entry.error)
        }
    }

    /// Closes every server (stdio children are terminated and reaped).
    public func shutdown() async {
        let clients = entries.values.compactMap(\.client)
        for entry in entries.values { entry.connecting?.cancel() }
        await withTaskGroup(of: Void.self) { group in
            for client in clients { group.addTask { await client.close() } }
        }
        for name in entries.keys { entries[name]?.state = .closed }
    }
}

extension MCPManager.Entry {
    var lastError: (any Error)? { failure }
}

/// Runs `body` with a manager holding `configs`, and always shuts every server down afterwards.
public func withMCPManager<T: Sendable>(
    _ configs: [MCPServerConfig], options: MCPClientOptions = .init(),
    _ body: (MCPManager) async throws -> T
) async throws -> T {
    let manager = MCPManager(options: options)
    await manager.addServers(configs)
    do {
        let result = try await body(manager)
        await manager.shutdown()
        return result
    } catch {
        await manager.shutdown()
        throw error
    }
}
