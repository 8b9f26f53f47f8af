import Foundation
import JSONRPC
import MCP
import Tracing

extension MCPClient {
    /// Checks the server is alive; returns the round-trip time.
    @discardableResult
    public func ping(timeout: Duration? = nil) async throws -> Duration {
        let start = ContinuousClock.now
        if era == .modern {
            // 2026-07-28 has no ping; discover is the cheapest request every server answers.
            let _: Value = try await request("server/discover", params: EmptyParams?.none, timeout: timeout)
        } else {
            let _: EmptyParams = try await request("ping", params: EmptyParams?.none, timeout: timeout)
        }
        return ContinuousClock.now - start
    }

    /// Every tool, following `nextCursor` through all pages; cached until the server says it changed.
    public func listTools(refresh: Bool = false) async throws -> [Tool] {
        if !refresh, let cached = state.withLock({ $0.servable($0.tools, .tools) }) { return cached }
        var support: [String: ToolTask.Support] = [:]
        var (tools, ttl): ([Tool], Duration) = try await paginate("tools/list", cached: !refresh) { (page: ToolsPage) in
            support.merge(page.taskSupport) { $1 }
            return (page.tools, page.nextCursor)
        }
        var headers: [String: ToolHeaderParameters] = [:]
        if era == .modern, state.withLock({ $0.transport?.exchangeCarriesResponse == true }) {
            // Over 2026-07-28 HTTP a tool's x-mcp-header parameters become request headers; a
            // tool whose annotations break the rules is left out, as the spec says.
            tools = tools.filter { tool in
                do {
                    let parameters = try ToolHeaderParameters.read(tool.inputSchema)
                    if !parameters.parameters.isEmpty { headers[tool.name] = parameters }
                    return true
                } catch {
                    options.logger.warning("tool left out: invalid x-mcp-header", metadata: ["server": "\(name)", "tool": "\(tool.name)", "reason": "\(error)"])
                    return false
                }
            }
        }
        state.withLock {
            $0.tools = tools
            $0.toolHeaders = headers
            $0.toolTaskSupport = support
            $0.freshness.fetched(.tools, ttl: ttl)
        }
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
        let start = ContinuousClock.now
        let parameters = state.withLock { $0.toolHeaders[tool] }
        var extras = RequestExtras(name: tool, paramHeaders: parameters?.headers(for: arguments) ?? [])
        if options.tracesArguments, InstrumentationContext.current != nil {
            extras.tracedArguments = (try? JSONEncoder().encode(arguments ?? [:])).map { String(decoding: $0, as: UTF8.self) }
        }
        let asTask = callsAsTask(tool)
        if asTask { extras.members = Self.taskMember(limit: limit) }
        var callID: JSONRPCID?
        // The tool's schema (its x-mcp-header parameters) may have changed: list, send again once.
        let renew: (() async throws -> [(String, String)])? = era == .modern ? { [self] in
            _ = try await listTools(refresh: true)
            return state.withLock { $0.toolHeaders[tool] }?.headers(for: arguments) ?? []
        } : nil
        let message = try await completedResponse("tools/call", timeout: limit, progress: onProgress, extras: extras, renewHeaders: renew) { id in
            callID = id
            return CallToolParams(name: tool, arguments: arguments)
        }
        let result = message.members.map { $0["result"] } ?? (try? message.result(as: Value.self))
        if case .task = InputRequired.kind(of: result) {
            return try await followTask(result, legacy: false, progressToken: nil, limit: limit, deadline: start + limit, onProgress: onProgress)
        }
        if asTask, case .object(let object)? = result, let created = object["task"], object["content"] == nil {
            return try await followTask(created, legacy: true, progressToken: callID, limit: limit, deadline: start + limit, onProgress: onProgress)
        }
        do {
            return try message.result(as: CallTool.Result.self)
        } catch {
            throw MCPClientError(.protocolViolation, server: name, method: "tools/call", "\(error)")
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
        if !refresh, let cached = state.withLock({ $0.servable($0.resources, .resources) }) { return cached }
        let (resources, ttl): ([Resource], Duration) = try await paginate("resources/list", cached: !refresh) { (page: ListResources.Result) in
            (page.resources, page.nextCursor)
        }
        state.withLock {
            $0.resources = resources
            $0.freshness.fetched(.resources, ttl: ttl)
        }
        return resources
    }

    /// Every resource template, all pages.
    public func listResourceTemplates() async throws -> [Resource.Template] {
        try await paginate("resources/templates/list") { (page: ListResourceTemplates.Result) in
            (page.templates, page.nextCursor)
        }.items
    }

    /// Reads one resource's contents (text or base64 blob).
    public func readResource(_ uri: String) async throws -> ReadResource.Result {
        try await request("resources/read", params: ReadResourceParams(uri: uri), extras: RequestExtras(name: uri))
    }

    /// The resource list from the last listing, if still valid (no list_changed since).
    var cachedResources: [Resource]? { state.withLock { $0.servable($0.resources, .resources) } }

    /// The prompt list from the last listing, if still valid.
    var cachedPrompts: [Prompt]? { state.withLock { $0.servable($0.prompts, .prompts) } }

    /// The last prompt list fetched, stale or not: for what needs no network (Tab completion).
    var lastPrompts: [Prompt]? { state.withLock { $0.prompts } }

    /// Every prompt, all pages; cached.
    public func listPrompts(refresh: Bool = false) async throws -> [Prompt] {
        if !refresh, let cached = state.withLock({ $0.servable($0.prompts, .prompts) }) { return cached }
        let (prompts, ttl): ([Prompt], Duration) = try await paginate("prompts/list", cached: !refresh) { (page: ListPrompts.Result) in
            (page.prompts, page.nextCursor)
        }
        state.withLock {
            $0.prompts = prompts
            $0.freshness.fetched(.prompts, ttl: ttl)
        }
        return prompts
    }

    /// Renders a prompt with its arguments into messages.
    public func getPrompt(_ name: String, arguments: [String: String]? = nil) async throws -> GetPrompt.Result {
        try await request("prompts/get", params: GetPromptParams(name: name, arguments: arguments), extras: RequestExtras(name: name))
    }

    /// Follows cursors until the server sends none. A repeated cursor is a server bug that would
    /// loop forever, so it ends the listing with an error. `ttl`: the shortest `ttlMs` of the
    /// pages (2026-07-28), so the list is never served longer than any of its pages may be.
    /// With `cached`, a page still within its own `ttlMs` is not asked again (``PageCache``).
    private func paginate<Page: Decodable, Item>(
        _ method: String, cached: Bool = false, _ split: (Page) -> ([Item], String?)
    ) async throws -> (items: [Item], ttl: Duration) {
        var items: [Item] = []
        var cursor: String?
        var seen: Set<String> = []
        var ttl: Duration?
        repeat {
            let page: Page
            let pageTTL: Duration
            do {
                if cached, let kept = state.withLock({ $0.pages.page(method, cursor: cursor) }) {
                    page = try JSONDecoder().decode(Page.self, from: JSONEncoder().encode(kept.result))
                    pageTTL = kept.remaining
                } else {
                    // Lists are cached and shared by every caller: fetched with no caller's forwarded
                    // headers, so a result the server marks private to a token holds lmg's own.
                    let message = try await ForwardedHeaders.$current.withValue([:]) {
                        try await completedResponse(method) { _ in CursorParams(cursor: cursor) }
                    }
                    page = try message.result(as: Page.self)
                    let result = message.members?["result"]
                    pageTTL = ListFreshness.ttl(of: result)
                    if let result, era == .modern {
                        state.withLock { $0.pages.store(method, cursor: cursor, result: result, ttl: pageTTL) }
                    }
                }
            } catch let error as DecodingError {
                throw MCPClientError(.protocolViolation, server: name, method: method, "\(error)")
            } catch let error as JSONRPCDecodingError {
                throw MCPClientError(.protocolViolation, server: name, method: method, "\(error)")
            }
            ttl = min(ttl ?? pageTTL, pageTTL)
            let (pageItems, next) = split(page)
            items += pageItems
            cursor = next.flatMap { $0.isEmpty ? nil : $0 }
            if let cursor, !seen.insert(cursor).inserted {
                throw MCPClientError(.protocolViolation, server: name, method: method, "the server repeated cursor \(cursor)")
            }
        } while cursor != nil
        return (items, ttl ?? .zero)
    }
}
