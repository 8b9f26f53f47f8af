import MCP

/// Resources and prompts through the manager: the same health gate as tool calls, and retried
/// with backoff, since reading and listing change nothing on the server.
extension MCPManager {
    /// The server's resources (every page).
    public func listResources(server: String) async throws -> [Resource] {
        // A cached list is no request: it must not count as one in the server's latency.
        if let cached = liveClient(server)?.cachedResources { return cached }
        return try await perform(server) { try await $0.listResources() }
    }

    /// The server's resource templates.
    public func listResourceTemplates(server: String) async throws -> [Resource.Template] {
        try await perform(server) { try await $0.listResourceTemplates() }
    }

    /// Reads one resource.
    public func readResource(server: String, uri: String) async throws -> ReadResource.Result {
        try await perform(server) { try await $0.readResource(uri) }
    }

    /// The server's prompts (every page).
    public func listPrompts(server: String) async throws -> [Prompt] {
        if let cached = liveClient(server)?.cachedPrompts { return cached }
        return try await perform(server) { try await $0.listPrompts() }
    }

    /// Renders one prompt into messages.
    public func getPrompt(server: String, name: String, arguments: [String: String]? = nil) async throws -> GetPrompt.Result {
        try await perform(server) { try await $0.getPrompt(name, arguments: arguments) }
    }

    /// Pings the server once (no retry) and returns the round trip.
    public func ping(server: String) async throws -> Duration {
        try await perform(server, retryable: { _ in false }) { try await $0.ping() }
    }

    /// The server's client when it is connected.
    private func liveClient(_ server: String) -> MCPClient? {
        table.read { $0.servers[server]?.liveClient }
    }

    /// The server's latest client, alive or not.
    private func client(of server: String) -> MCPClient? {
        table.read { $0.servers[server]?.client }
    }

    /// The prompts already listed, without asking any server: for places that must not wait,
    /// like completion at a prompt.
    public func cachedPrompts() -> [(server: String, prompt: Prompt)] {
        table.read(\.names).flatMap { name in
            (liveClient(name)?.lastPrompts ?? []).map { (name, $0) }
        }
    }

    /// The connected servers that offer resources and let a model read them (`resources`,
    /// default true), by name: those the orchestrator's resource functions list and read.
    /// Asked once per model request, so it reads the table and asks no server. (Async only to
    /// match ``ToolRouter``: a sync twin would lose to the protocol's default in async code.)
    public func resourceServers() async -> [String] {
        table.read { table in
            table.names.filter { name in
                guard let entry = table.servers[name], entry.config.modelResources, let client = entry.liveClient else { return false }
                return client.serverCapabilities?.resources != nil
            }
        }
    }

    /// Every resource of every usable server, with its server; a server that fails to list is skipped.
    public func listAvailableResources() async -> [(server: String, resource: Resource)] {
        var result: [(String, Resource)] = []
        for status in await status() where status.isUsable && client(of: status.name)?.serverCapabilities?.resources != nil {
            for resource in (try? await listResources(server: status.name)) ?? [] { result.append((status.name, resource)) }
        }
        return result
    }

    /// Every prompt of every usable server, with its server; a server that fails to list is skipped.
    public func listAvailablePrompts() async -> [(server: String, prompt: Prompt)] {
        var result: [(String, Prompt)] = []
        for status in await status() where status.isUsable && client(of: status.name)?.serverCapabilities?.prompts != nil {
            for prompt in (try? await listPrompts(server: status.name)) ?? [] { result.append((status.name, prompt)) }
        }
        return result
    }

    /// `server`'s completions for an argument (see ``MCPClient/complete(_:argument:value:context:timeout:)``).
    public func complete(
        server: String, _ reference: CompletionReference, argument: String, value: String, context: [String: String] = [:],
        timeout: Duration? = nil
    ) async throws -> [String] {
        try await perform(server, retryable: { _ in false }) {
            try await $0.complete(reference, argument: argument, value: value, context: context, timeout: timeout)
        }
    }

    /// Asks `server` to say when `uri` changes; the news comes on ``resourceUpdates()``. False
    /// when the server offers no subscriptions.
    @discardableResult
    public func subscribe(server: String, resource uri: String) async throws -> Bool {
        try await perform(server, retryable: { _ in false }) { try await $0.subscribe(toResource: uri) }
    }
}
