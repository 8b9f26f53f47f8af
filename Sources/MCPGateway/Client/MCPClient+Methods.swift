import Foundation
import MCP

extension MCPClient {
    /// Checks the server is alive; returns the round-trip time.
    @discardableResult
    public func ping(timeout: Duration? = nil) async throws -> Duration {
        let start = ContinuousClock.now
        let _: EmptyParams = try await request("ping", params: EmptyParams?.none, timeout: timeout)
        return ContinuousClock.now - start
    }

    /// Every tool, following `nextCursor` through all pages; cached until the server says it changed.
    public func listTools(refresh: Bool = false) async throws -> [Tool] {
        if !refresh, let cached = state.withLock({ $0.tools }) { return cached }
        let tools: [Tool] = try await paginate("tools/list") { (page: ListTools.Result) in (page.tools, page.nextCursor) }
        state.withLock { $0.tools = tools }
        return tools
    }

    /// The cached tool list, without asking the server.
    public var cachedTools: [Tool]? { state.withLock { $0.tools } }

    /// Calls a tool. A tool that fails returns `isError: true`; only protocol and transport
    /// failures throw. The call's limit is ``toolCallLimit(override:)``: `timeout` when given
    /// (an explicit per-call choice such as `lmg call --timeout`), else the server's
    /// `tool_timeout`, else its `timeout`.
    public func callTool(
        _ tool: String, arguments: [String: Value]? = nil, timeout: Duration? = nil,
        onProgress: MCPProgressHandler? = nil
    ) async throws -> CallTool.Result {
        let limit = toolCallLimit(override: timeout)
        return try await request("tools/call", timeout: limit, progress: onProgress) { id in
            CallToolParams(name: tool, arguments: arguments, _meta: onProgress == nil ? nil : ProgressMeta(progressToken: id))
        }
    }

    /// The limit on one `tools/call`: an explicit per-call `override` wins; otherwise the
    /// server entry's `tool_timeout`, else its `timeout`. App-wide caps are the caller's to
    /// apply on top (they may only shorten this), so a configured limit is never replaced silently.
    public func toolCallLimit(override: Duration? = nil) -> Duration {
        config.requestLimit(for: "tools/call", override: override)
    }

    /// Every resource, all pages; cached.
    public func listResources(refresh: Bool = false) async throws -> [Resource] {
        if !refresh, let cached = state.withLock({ $0.resources }) { return cached }
        let resources: [Resource] = try await paginate("resources/list") { (page: ListResources.Result) in
            (page.resources, page.nextCursor)
        }
        state.withLock { $0.resources = resources }
        return resources
    }

    /// Every resource template, all pages.
    public func listResourceTemplates() async throws -> [Resource.Template] {
        try await paginate("resources/templates/list") { (page: ListResourceTemplates.Result) in
            (page.templates, page.nextCursor)
        }
    }

    /// Reads one resource's contents (text or base64 blob).
    public func readResource(_ uri: String) async throws -> ReadResource.Result {
        try await request("resources/read", params: ReadResourceParams(uri: uri))
    }

    /// The resource list from the last listing, if still valid (no list_changed since).
    var cachedResources: [Resource]? { state.withLock { $0.resources } }

    /// The prompt list from the last listing, if still valid.
    var cachedPrompts: [Prompt]? { state.withLock { $0.prompts } }

    /// Every prompt, all pages; cached.
    public func listPrompts(refresh: Bool = false) async throws -> [Prompt] {
        if !refresh, let cached = state.withLock({ $0.prompts }) { return cached }
        let prompts: [Prompt] = try await paginate("prompts/list") { (page: ListPrompts.Result) in
            (page.prompts, page.nextCursor)
        }
        state.withLock { $0.prompts = prompts }
        return prompts
    }

    /// Renders a prompt with its arguments into messages.
    public func getPrompt(_ name: String, arguments: [String: String]? = nil) async throws -> GetPrompt.Result {
        try await request("prompts/get", params: GetPromptParams(name: name, arguments: arguments))
    }

    /// Follows cursors until the server sends none. A repeated cursor is a server bug that would
    /// loop forever, so it ends the listing with an error.
    private func paginate<Page: Decodable, Item>(
        _ method: String, _ split: (Page) -> ([Item], String?)
    ) async throws -> [Item] {
        var items: [Item] = []
        var cursor: String?
        var seen: Set<String> = []
        repeat {
            // Lists are cached and shared by every caller: fetched with no caller's forwarded headers.
            let page: Page = try await ForwardedHeaders.$current.withValue([:]) {
                try await request(method, params: CursorParams(cursor: cursor))
            }
            let (pageItems, next) = split(page)
            items += pageItems
            cursor = next.flatMap { $0.isEmpty ? nil : $0 }
            if let cursor, !seen.insert(cursor).inserted {
                throw MCPClientError(.protocolViolation, server: name, method: method, "the server repeated cursor \(cursor)")
            }
        } while cursor != nil
        return items
    }
}
