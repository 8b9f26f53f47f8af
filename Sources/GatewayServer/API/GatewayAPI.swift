import Foundation
import GatewayRuntime
import MCP
import MCPGateway

/// The REST gateway's core: routes a request to the runtime's manager and answers JSON.
///
/// Framework-free (see `GatewayHTTPServer` for the Hummingbird adapter), so routing, bodies and
/// every error status are tested by calling ``handle(_:)`` directly.
public struct GatewayAPI: Sendable {
    public let runtime: GatewayRuntime
    let authenticator: Authenticator
    let limiter: RateLimiter?
    let resolver: any HostResolver
    let registry: ServerRegistry
    /// Keeps servers added over HTTP across restarts (see ``restoreStoredServers()``).
    let store: any ServerStore
    /// What `GET /metrics` shows: this gateway's own registry, so gateways in one process never mix.
    let metrics = GatewayMetrics()
    /// The sessions of `/mcp`, and what tells them of list changes.
    let mcpSessions: MCPSessionTable
    let mcpChanges = MCPChangeBroadcaster()
    /// 2026-07-28 `subscriptions/listen` streams open on this replica.
    let mcpListeners = MCPListeners()
    /// 2026-07-28 calls waiting here for their clients' answers (`requestState`).
    let mcpInteractive = MCPInteractiveCalls()

    /// Keys and the rate limit come from the runtime's `server` section; `resolver` checks the
    /// addresses of servers added over HTTP (the system's by default); `store` keeps those servers
    /// (nothing survives the process with the default, in memory); `sessionSealer` (from
    /// `LMG_SESSION_KEY`) lets every replica with the same key resume this one's `/mcp` sessions.
    public init(
        runtime: GatewayRuntime, resolver: any HostResolver = SystemResolver(), store: any ServerStore = MemoryServerStore(),
        sessionSealer: MCPSessionSealer? = nil
    ) {
        self.runtime = runtime
        mcpSessions = MCPSessionTable(sealer: sessionSealer)
        self.resolver = resolver
        self.store = store
        registry = ServerRegistry(file: runtime.config.servers)
        authenticator = Authenticator(keys: runtime.config.server.apiKeys)
        limiter = runtime.config.server.rateLimit.map(RateLimiter.init)
    }

    var manager: MCPManager { runtime.manager }

    /// One route: its method and path (`{name}` for a parameter), and what answers it.
    struct Route: Sendable {
        let method: String
        let path: String
        let pattern: RoutePattern
        /// Who may use it: nil for the probes (`/healthz`, `/readyz`), which need no key.
        let role: APIKey.Role?
        let handler: @Sendable (GatewayAPI, APIRequest, Caller) async throws -> APIResponse

        init(
            method: String, path: String, role: APIKey.Role? = .user,
            handler: @escaping @Sendable (GatewayAPI, APIRequest, Caller) async throws -> APIResponse
        ) {
            (self.method, self.path, self.pattern, self.role, self.handler) = (method, path, RoutePattern(path), role, handler)
        }
    }

    static let routes: [Route] = [
        Route(method: "GET", path: "/healthz", role: nil) { api, _, _ in await api.health() },
        Route(method: "GET", path: "/readyz", role: nil) { api, _, _ in await api.readiness() },
        Route(method: "GET", path: "/mcp/servers") { api, _, caller in await api.servers(caller) },
        Route(method: "POST", path: "/mcp/servers", role: .admin) { api, request, caller in try await api.addServer(request, caller) },
        Route(method: "PUT", path: "/mcp/servers/{name}", role: .admin) { api, request, caller in
            try await api.replaceServer(request, name: request.parameters["name"] ?? "", caller)
        },
        Route(method: "DELETE", path: "/mcp/servers/{name}", role: .admin) { api, request, caller in
            try await api.removeServer(name: request.parameters["name"] ?? "", caller)
        },
        Route(method: "GET", path: "/mcp/servers/status") { api, _, caller in await api.serverStatus(caller) },
        Route(method: "GET", path: "/mcp/tools") { api, request, caller in try await api.tools(request, caller) },
        Route(method: "POST", path: "/mcp/tools/call") { api, request, caller in try await api.callTool(request, caller) },
        Route(method: "GET", path: "/mcp/resources") { api, request, caller in try await api.resources(request, caller) },
        Route(method: "POST", path: "/mcp/resources/read") { api, request, caller in try await api.readResource(request, caller) },
        Route(method: "GET", path: "/mcp/prompts") { api, request, caller in try await api.prompts(request, caller) },
        Route(method: "POST", path: "/mcp/prompts/get") { api, request, caller in try await api.getPrompt(request, caller) },
        Route(method: "POST", path: "/mcp/oauth/refresh", role: .admin) { api, request, caller in try await api.refreshTokens(request, caller) },
        Route(method: "POST", path: "/v1/chat/completions") { api, request, caller in await api.chatCompletions(request, caller) },
        Route(method: "GET", path: "/v1/models") { api, _, _ in api.models() },
        Route(method: "POST", path: "/tools/{server}/{tool}") { api, request, caller in try await api.callTypedTool(request, caller) },
        Route(method: "GET", path: "/openapi.json") { api, _, caller in await api.openAPI(caller) },
        Route(method: "GET", path: "/docs") { api, _, caller in await api.docs(caller) },
        Route(method: "GET", path: "/metrics") { api, _, caller in try await api.metricsExposition(caller) },
        Route(method: "POST", path: "/mcp") { api, request, caller in await api.mcpPost(request, caller) },
        Route(method: "GET", path: "/mcp") { api, request, caller in api.mcpStream(request, caller) },
        Route(method: "DELETE", path: "/mcp") { api, request, caller in api.mcpEnd(request, caller) },
    ]

    /// Answers `request`; never throws: every failure becomes its error response (in OpenAI's
    /// shape on the OpenAI-compatible `/v1/` routes).
    public func handle(_ request: APIRequest) async -> APIResponse {
        let response = await dispatch(request)
        return OpenAIError.isOpenAIPath(request.path) ? OpenAIError.reshaped(response) : response
    }

    func dispatch(_ request: APIRequest) async -> APIResponse {
        if let refusal = refusingWebPages(request) { return refusal }
        let path = request.path.count > 1 && request.path.hasSuffix("/") ? String(request.path.dropLast()) : request.path
        let components = RoutePattern.components(of: path)
        // Only the most literal routes that fit: /mcp/servers/status is the status route (GET),
        // never a server named "status" (which is why that name cannot be added).
        var matching = Self.routes.compactMap { route in route.pattern.match(components).map { (route: route, parameters: $0) } }
        let fewest = matching.map(\.route.pattern.parameterCount).min()
        matching.removeAll { $0.route.pattern.parameterCount != fewest }
        guard !matching.isEmpty else {
            let known = Self.routes.map(\.path)
            let hint = NameSuggestion.closest(to: path, in: known).map { " (did you mean \($0)?)" } ?? ""
            return APIError.notFound("no route \(request.method) \(path)\(hint)").response
        }
        guard let (route, parameters) = matching.first(where: { $0.route.method == request.method }) else {
            var methods: [String] = []
            for match in matching where !methods.contains(match.route.method) { methods.append(match.route.method) }
            let allowed = methods.joined(separator: ", ")
            var response = APIError(status: 405, code: "method_not_allowed", message: "\(path) takes \(allowed), not \(request.method)").response
            response.headers["Allow"] = allowed
            response.route = matching[0].route.path
            return response
        }
        var caller = Caller.anyone
        if let needed = role(of: route) {
            guard let found = authenticator.caller(authorization: request.headers["authorization"]) else {
                var response = APIError(status: 401, code: "unauthorized", message: request.headers["authorization"] == nil
                    ? "this gateway needs an API key: send Authorization: Bearer <key>"
                    : "the API key is not known to this gateway").response
                response.headers["WWW-Authenticate"] = "Bearer"
                response.route = route.path
                return response
            }
            caller = found
            if let wait = caller.keyName.flatMap({ limiter?.take($0) }) {
                var response = APIError(
                    status: 429, code: "rate_limited", message: "key '\(caller.keyName ?? "")' is over server.rate_limit",
                    retryAfter: APIError.seconds(wait)).response
                response.keyName = caller.keyName
                response.route = route.path
                return response
            }
            if needed == .admin && caller.role != .admin {
                var response = APIError(status: 403, code: "forbidden", message: "\(path) needs an admin key; key '\(caller.keyName ?? "")' is a user key").response
                response.keyName = caller.keyName
                response.route = route.path
                return response
            }
        }
        var request = request
        request.parameters = parameters
        var response: APIResponse
        do {
            response = try await ForwardedHeaders.$current.withValue(forwardable(request.headers)) {
                try await route.handler(self, request, caller)
            }
        } catch {
            response = APIError(error).response
        }
        response.keyName = caller.keyName
        response.route = route.path
        return response
    }

    /// Without keys the gateway trusts whatever reaches it, which must then be this machine's own
    /// programs, not a web page the user visits: a request addressed to a name that is not
    /// loopback (DNS rebinding) or sent from a page of another origin (`Origin`) is a 403.
    func refusingWebPages(_ request: APIRequest) -> APIResponse? {
        guard authenticator.keys.isEmpty else { return nil }
        func hostPart(_ authority: String) -> String {
            if authority.hasPrefix("["), let end = authority.firstIndex(of: "]") { return String(authority[authority.index(after: authority.startIndex)..<end]) }
            return authority.split(separator: ":", maxSplits: 1).first.map(String.init) ?? authority
        }
        if let host = request.headers["host"], !ServeSettings.isLoopback(hostPart(host)) {
            return APIError(status: 403, code: "forbidden", message: "requests to '\(host)' are refused: without server.api_keys the gateway answers only requests addressed to 127.0.0.1, ::1 or localhost").response
        }
        if let origin = request.headers["origin"] {
            // An Origin is scheme://host[:port]: its host part, IPv6 brackets and all.
            let authority = origin.range(of: "://").map { String(origin[$0.upperBound...]) } ?? ""
            guard ServeSettings.isLoopback(hostPart(authority)) else {
                return APIError(status: 403, code: "forbidden", message: "requests from web pages (Origin: \(origin.prefix(100))) need server.api_keys").response
            }
        }
        return nil
    }

    /// The caller a key name stands for (a session remembers its key by name).
    func caller(keyName: String) -> Caller? {
        authenticator.keys.first { $0.name == keyName }.map(Caller.init)
    }

    /// The request's headers that servers' `forward_headers` may pick from: all but the bearer
    /// key this gateway checked, which is the gateway's credential, not the upstream's.
    func forwardable(_ headers: [String: String]) -> [String: String] {
        authenticator.keys.isEmpty ? headers : headers.filter { $0.key != "authorization" }
    }

    // MARK: - Bodies

    /// The request's JSON body decoded as `T`; a malformed body is a 400 naming the field.
    func body<T: Decodable>(_ request: APIRequest, as type: T.Type) throws -> T {
        guard !request.body.isEmpty else { throw APIError.badRequest("the request needs a JSON body") }
        do {
            return try JSONDecoder().decode(T.self, from: request.body)
        } catch let error as DecodingError {
            throw APIError.badRequest(Self.describe(error))
        } catch {
            throw APIError.badRequest("the body is not JSON")
        }
    }

    /// `DecodingError` as one line naming the field.
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context)
            return "field '\(parent.isEmpty ? key.stringValue : parent + "." + key.stringValue)' is required"
        case .typeMismatch(let type, let context):
            return "field '\(path(context))' must be \(Self.kind(type))"
        case .valueNotFound(let type, let context):
            return "field '\(path(context))' must be \(Self.kind(type)), not null"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "the body is not valid JSON" : "field '\(path(context))' is not valid"
        @unknown default:
            return "the body does not match the expected shape"
        }
    }

    static func kind(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        case is [String: Value].Type, is [String: String].Type, is [String: Any].Type: return "an object"
        case is [Any].Type: return "an array"
        default: return "of another type"
        }
    }

    /// The server named in a body or query, which must be configured and this caller's to use
    /// (a server a key may not use is named as such; the others it cannot see are not listed).
    func knownServer(_ name: String, for caller: Caller) async throws -> String {
        let names = await manager.serverNames.filter(caller.allows(server:))
        guard names.contains(name) else {
            if await manager.serverNames.contains(name) {
                throw APIError(status: 403, code: "forbidden", message: "key '\(caller.keyName ?? "")' may not use server '\(name)'")
            }
            throw MCPManagerError.unknownServer(name, known: names)
        }
        return name
    }
}
