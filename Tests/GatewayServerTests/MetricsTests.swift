import Foundation
import GatewayRuntime
import MCP
import MCPGateway
import TestSupport
import Testing
@testable import GatewayServer

/// `GET /metrics` from the gateway's core: each API its own registry, the text parsed back
/// whole. Servers here are disabled, so nothing starts; tool outcomes are recorded through the
/// same helper the routes use, around calls that answer or fail as told.
@Suite("Gateway API: metrics")
struct MetricsTests {
    static func api(_ server: String = "{}", environment: [String: String] = [:]) async throws -> GatewayAPI {
        let json = #"""
            {"server": \#(server), "mcpServers": {"files": {"command": "true", "enabled": false}, "vault": {"url": "https://vault.example/mcp", "enabled": false}}}
            """#
        let config = try ConfigLoader(environment: environment).parse(Data(json.utf8), file: "m.json")
        let runtime = GatewayRuntime(config: config, environment: RuntimeEnvironment([:]))
        await runtime.manager.addServers(config.servers)
        return GatewayAPI(runtime: runtime)
    }

    /// `handle` and then what the HTTP adapter records for each answer.
    static func send(_ api: GatewayAPI, _ method: String, _ path: String, body: String = "", key: String? = nil) async -> APIResponse {
        let response = await api.handle(APIRequest(
            method: method, path: path, headers: key.map { ["Authorization": "Bearer \($0)"] } ?? [:], body: Data(body.utf8)))
        api.metrics.recordRequest(method: method, route: response.route, status: response.status, duration: .milliseconds(3))
        return response
    }

    static func scrape(_ api: GatewayAPI, key: String? = nil) async throws -> PrometheusText {
        let response = await send(api, "GET", "/metrics", key: key)
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        return try PrometheusText(String(decoding: response.body, as: UTF8.self))
    }

    @Test func requestsAreCountedByRoutePatternNotRawPath() async throws {
        let api = try await Self.api()
        for name in ["alpha", "beta", "files"] { _ = await Self.send(api, "DELETE", "/mcp/servers/\(name)") }
        _ = await Self.send(api, "GET", "/no/such/thing-1")
        _ = await Self.send(api, "GET", "/no/such/thing-2")
        _ = await Self.send(api, "BREW", "/mcp/tools")
        _ = await Self.send(api, "GET", "/mcp/tools/")
        _ = await Self.send(api, "GET", "/mcp/tools/call")
        let metrics = try await Self.scrape(api)
        let requests = "lmg_http_requests_total"
        #expect(metrics.value(requests, ["method": "DELETE", "route": "/mcp/servers/{name}", "status": "404"]) == 2)
        #expect(metrics.value(requests, ["method": "DELETE", "route": "/mcp/servers/{name}", "status": "409"]) == 1, "a config-file server")
        #expect(metrics.value(requests, ["method": "GET", "route": "unmatched", "status": "404"]) == 2)
        #expect(metrics.value(requests, ["method": "OTHER", "route": "/mcp/tools", "status": "405"]) == 1, "an unknown method is one label value")
        #expect(metrics.value(requests, ["method": "GET", "route": "/mcp/tools", "status": "200"]) == 1, "a trailing slash is the same route")
        #expect(metrics.value(requests, ["method": "GET", "route": "/mcp/tools/call", "status": "405"]) == 1)
        for raw in ["alpha", "beta", "thing-1", "/no/such/thing-2", "/mcp/servers/alpha", "BREW"] {
            #expect(!metrics.labelValues.contains { $0.contains(raw) }, "no raw path in a label: \(raw)")
        }
        #expect(metrics.value("lmg_http_request_duration_seconds_count", ["method": "DELETE", "route": "/mcp/servers/{name}"]) == 3)
        #expect(metrics.total(requests) == 8, "the scrape itself is recorded after it is answered")
        let next = try await Self.scrape(api)
        #expect(next.value(requests, ["method": "GET", "route": "/metrics", "status": "200"]) == 1)
    }

    @Test func everyFamilyIsTypedAndDocumentedAndBucketsSpanTheGateway() async throws {
        let api = try await Self.api()
        _ = try await api.measure(server: "files", tool: "read") { CallTool.Result(content: [.text("x")]) }
        api.metrics.recordTokenRefresh(server: "vault", succeeded: true)
        _ = await Self.send(api, "GET", "/healthz")
        let response = await Self.send(api, "GET", "/metrics")
        let text = String(decoding: response.body, as: UTF8.self)
        let metrics = try PrometheusText(text)
        let typed = text.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }.map { $0.split(separator: " ")[2] }
        #expect(typed == typed.sorted() && typed.count == GatewayMetrics.Family.allCases.count, "families in name order: \(typed)")
        #expect(text.hasSuffix("\n") && !text.hasSuffix("\n\n"))
        for family in GatewayMetrics.Family.allCases {
            #expect(metrics.types[family.rawValue] != nil, "\(family.rawValue) is exported")
            #expect(metrics.help[family.rawValue] == family.help, "\(family.rawValue) has its HELP line")
        }
        #expect(metrics.types["lmg_http_request_duration_seconds"] == "histogram")
        #expect(metrics.types["lmg_servers"] == "gauge" && metrics.types["lmg_tool_calls_total"] == "counter")
        let bounds = metrics.samples.filter { $0.name == "lmg_upstream_tool_call_duration_seconds_bucket" }.compactMap { $0.labels["le"] }
        #expect(bounds.first == "0.0005" && bounds.contains("30.0") && bounds.last == "+Inf", "\(bounds)")
        #expect(bounds.count == GatewayMetrics.buckets.count + 1)
    }

    @Test func toolOutcomesAreCountedAndOnlyUpstreamCallsTimed() async throws {
        let api = try await Self.api()
        _ = try await api.measure(server: "files", tool: "read") { CallTool.Result(content: [.text("ok")]) }
        _ = try await api.measure(server: "files", tool: "read") { CallTool.Result(content: [.text("ok")], isError: false) }
        _ = try await api.measure(server: "files", tool: "read") { CallTool.Result(content: [.text("no such file")], isError: true) }
        await #expect(throws: MCPClientError.self) {
            try await api.measure(server: "files", tool: "read") { throw MCPClientError(.timedOut(.seconds(1)), server: "files", "timed out") }
        }
        await #expect(throws: MCPClientError.self) {
            try await api.measure(server: "files", tool: "read") { throw MCPClientError(.transport(.closed), server: "files", "closed") }
        }
        await #expect(throws: MCPManagerError.self) {
            try await api.measure(server: "files", tool: "write") {
                throw MCPManagerError.circuitOpen(server: "files", retryAfter: .seconds(5), lastError: nil)
            }
        }
        await #expect(throws: APIError.self) {
            try await api.measuredToolCall(server: "files", tool: "write", arguments: [:], check: {
                throw APIError(status: 422, code: "invalid_arguments", message: "field 'path' is required")
            })
        }
        // Through the route: the server is disabled, and an unknown tool is refused before any call
        // (so a caller's made-up names never become label values).
        #expect(await Self.send(api, "POST", "/mcp/tools/call", body: #"{"server_name": "files", "tool_name": "made-up-xyz"}"#).status == 404)

        let metrics = try await Self.scrape(api)
        let calls = "lmg_tool_calls_total"
        #expect(metrics.value(calls, ["server": "files", "tool": "read", "outcome": "ok"]) == 2)
        #expect(metrics.value(calls, ["server": "files", "tool": "read", "outcome": "is_error"]) == 1)
        #expect(metrics.value(calls, ["server": "files", "tool": "read", "outcome": "timeout"]) == 1)
        #expect(metrics.value(calls, ["server": "files", "tool": "read", "outcome": "upstream_error"]) == 1)
        #expect(metrics.value(calls, ["server": "files", "tool": "write", "outcome": "breaker_open"]) == 1)
        #expect(metrics.value(calls, ["server": "files", "tool": "write", "outcome": "invalid_arguments"]) == 1)
        #expect(metrics.total(calls) == 7)
        #expect(!metrics.labelValues.contains("made-up-xyz"))
        #expect(metrics.value("lmg_upstream_tool_call_duration_seconds_count", ["server": "files"]) == 5, "refused calls reached no server")
    }

    @Test func outcomesNameEveryKindOfFailure() {
        #expect(ToolCallOutcomeLabel(error: MCPManagerError.disabled(server: "s")) == .unavailable)
        #expect(ToolCallOutcomeLabel(error: MCPManagerError.toolHidden(server: "s", tool: "t")) == .notFound)
        #expect(ToolCallOutcomeLabel(error: MCPClientError(.cancelled, server: "s", "cancelled")) == .cancelled)
        #expect(ToolCallOutcomeLabel(error: CancellationError()) == .cancelled)
        #expect(ToolCallOutcomeLabel(error: MCPManagerError.restartBackoff(server: "s", retryAfter: .seconds(1), lastError: nil)) == .unavailable)
        #expect(ToolCallOutcomeLabel(error: MCPClientError(.timedOut(.seconds(2)), server: "s", "late")) == .timeout)
        #expect(ToolCallOutcomeLabel(error: APIError(status: 422, code: "invalid_arguments", message: "x")) == .invalidArguments)
        #expect(ToolCallOutcomeLabel(error: MCPClientError(.server(code: -32603), server: "s", "internal")) == .upstreamError)
        #expect(Set(ToolCallOutcomeLabel.allCases.map(\.rawValue)).count == ToolCallOutcomeLabel.allCases.count)
    }

    @Test func serversAndBreakersAreReadFromTheStatusAtScrapeTime() async throws {
        let api = try await Self.api()
        let metrics = try await Self.scrape(api)
        #expect(metrics.value("lmg_servers", ["state": "disabled"]) == 2)
        for state in ServerStatus.State.allCases where state != .disabled {
            #expect(metrics.value("lmg_servers", ["state": state.rawValue]) == 0, "every state is exported, \(state) too")
        }
        for server in ["files", "vault"] {
            #expect(metrics.value("lmg_server_breaker_state", ["server": server, "state": "closed"]) == 1)
            #expect(metrics.value("lmg_server_breaker_state", ["server": server, "state": "open"]) == 0)
            #expect(metrics.value("lmg_server_breaker_state", ["server": server, "state": "half-open"]) == 0)
        }

        // A breaker that opened shows as open; a server that is gone leaves no breaker series.
        let gauges = GatewayMetrics()
        let a = ServerStatus(name: "a", transport: "http", state: .degraded, endpoint: "x", circuit: "open")
        let b = ServerStatus(name: "b", transport: "stdio", state: .ready, endpoint: "y")
        let first = try PrometheusText(gauges.exposition(servers: [a, b]))
        #expect(first.value("lmg_server_breaker_state", ["server": "a", "state": "open"]) == 1)
        #expect(first.value("lmg_server_breaker_state", ["server": "a", "state": "closed"]) == 0)
        #expect(first.value("lmg_servers", ["state": "degraded"]) == 1 && first.value("lmg_servers", ["state": "ready"]) == 1)
        let second = try PrometheusText(gauges.exposition(servers: [b]))
        #expect(!second.samples.contains { $0.labels["server"] == "a" }, "\(second.samples)")
        #expect(second.value("lmg_servers", ["state": "degraded"]) == 0)
    }

    @Test func tokenRefreshesAreCountedPerServerThatHoldsOrLacksAToken() async throws {
        let api = try await Self.api()
        let expires = Date().addingTimeInterval(3600)
        let statuses = [
            ServerStatus(name: "files", transport: "stdio", state: .disabled, endpoint: "true"),
            ServerStatus(name: "vault", transport: "http", state: .ready, endpoint: "https://vault.example/mcp", tokenExpiresAt: expires),
            ServerStatus(name: "wiki", transport: "http", state: .ready, endpoint: "https://wiki.example/mcp"),
        ]
        let refused = OAuth2Error(.unreachable, server: "wiki", endpoint: "https://auth.example/token", detail: "connection refused")
        api.recordTokenRefreshes(statuses, failures: ["wiki": refused])
        api.recordTokenRefreshes(statuses, failures: [:])
        let metrics = try await Self.scrape(api)
        #expect(metrics.value("lmg_oauth_token_refreshes_total", ["server": "vault", "outcome": "ok"]) == 2)
        #expect(metrics.value("lmg_oauth_token_refreshes_total", ["server": "wiki", "outcome": "error"]) == 1)
        #expect(metrics.total("lmg_oauth_token_refreshes_total") == 3, "a server without OAuth2 is not counted")
    }

    @Test func keysGuardMetricsUnlessTheyArePublic() async throws {
        let keys = #"{"api_keys": [{"key": "${ADMIN}", "name": "ops", "role": "admin"}, {"key": "${SCRAPER}", "name": "prom"}, {"key": "${CI}", "name": "ci", "servers": ["files"]}]"#
        let environment = ["ADMIN": "admin-secret-1", "SCRAPER": "scrape-secret-2", "CI": "ci-secret-3"]
        let api = try await Self.api(keys + "}", environment: environment)
        let anonymous = await Self.send(api, "GET", "/metrics")
        #expect(anonymous.status == 401 && anonymous.headers["WWW-Authenticate"] == "Bearer")
        let limited = await Self.send(api, "GET", "/metrics", key: "ci-secret-3")
        #expect(limited.status == 403)
        #expect(String(decoding: limited.body, as: UTF8.self).contains("key 'ci' is limited"))
        _ = try await Self.scrape(api, key: "admin-secret-1")
        let text = String(decoding: await Self.send(api, "GET", "/metrics", key: "scrape-secret-2").body, as: UTF8.self)
        let metrics = try PrometheusText(text)
        #expect(metrics.value("lmg_http_requests_total", ["method": "GET", "route": "/metrics", "status": "401"]) == 1)
        #expect(metrics.value("lmg_http_requests_total", ["method": "GET", "route": "/metrics", "status": "403"]) == 1)
        for secret in environment.values { #expect(!text.contains(secret)) }

        let open = try await Self.api(keys + #", "metrics_public": true}"#, environment: environment)
        #expect(await Self.send(open, "GET", "/metrics").status == 200, "metrics_public: a scraper needs no key")
        #expect(await Self.send(open, "GET", "/mcp/tools").status == 401, "every other route still does")
        #expect(throws: ConfigError.self) { try ConfigLoader(environment: [:]).parse(Data(#"{"server": {"metrics_public": "sometimes"}}"#.utf8), file: "m.json") }
    }

    @Test func eachGatewayHasItsOwnRegistry() async throws {
        let one = try await Self.api(), two = try await Self.api()
        _ = await Self.send(one, "GET", "/healthz")
        #expect(try await Self.scrape(one).value("lmg_http_requests_total", ["method": "GET", "route": "/healthz", "status": "200"]) == 1)
        #expect(try await Self.scrape(two).value("lmg_http_requests_total", ["method": "GET", "route": "/healthz", "status": "200"]) == nil)
    }
}
