import MCPGateway
import Metrics
import Prometheus
import Locking

/// The gateway's metrics, recorded through swift-metrics into a Prometheus registry of its own.
///
/// Each `GatewayAPI` owns one: nothing is bootstrapped into the process-wide `MetricsSystem`
/// (which may be bootstrapped only once per process), so tests make as many gateways as they like
/// and each scrape shows only its own gateway. Request and tool-call metrics are recorded as
/// they happen; server and breaker gauges are read from the manager's status at scrape time.
final class GatewayMetrics: Sendable {
    /// Every metric family: its name (Prometheus style, `lmg_` prefix, unit in the name) and help.
    enum Family: String, CaseIterable {
        case httpRequests = "lmg_http_requests_total"
        case httpDuration = "lmg_http_request_duration_seconds"
        case toolCalls = "lmg_tool_calls_total"
        case upstreamDuration = "lmg_upstream_tool_call_duration_seconds"
        case tokenRefreshes = "lmg_oauth_token_refreshes_total"
        case breakerState = "lmg_server_breaker_state"
        case servers = "lmg_servers"

        var help: String {
            switch self {
            case .httpRequests: "HTTP requests answered, by method, route pattern and status."
            case .httpDuration: "Time from receiving a request to its answer, by method and route pattern."
            case .toolCalls: "Tool calls through the gateway, by server, tool and outcome."
            case .upstreamDuration: "Duration of tool calls that reached the MCP server, by server."
            case .tokenRefreshes: "OAuth2 token refreshes asked through POST /mcp/oauth/refresh, by server and outcome."
            case .breakerState: "1 for the state each server's circuit breaker is in (closed, half-open, open), else 0."
            case .servers: "Configured servers in each state (connecting, ready, degraded, failed, disabled, closed)."
            }
        }
    }

    /// The route label of requests no route matched, or refused before routing (413): one value,
    /// so clients probing random paths cannot grow the series.
    static let unmatchedRoute = "unmatched"
    /// The methods kept as a label value; any other is `OTHER`.
    static let knownMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    /// Breaker states as `ServerStatus.circuit` names them.
    static let breakerStates = ["closed", "half-open", "open"]
    /// Histogram buckets for a gateway: from a cached in-process call (0.5 ms) to a slow tool (30 s).
    static let buckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2.5), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30),
    ]

    let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    /// The servers whose breaker gauges the last scrape exported, so a removed server's go away.
    private let exported = Locked<Set<String>>([])

    init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = Self.buckets
        self.factory = factory
    }

    /// One answered request; `route` is the pattern that matched (nil: none).
    func recordRequest(method: String, route: String?, status: Int, duration: Duration) {
        let method = Self.knownMethods.contains(method) ? method : "OTHER"
        let route = route ?? Self.unmatchedRoute
        CoreMetrics.Counter(
            label: Family.httpRequests.rawValue, dimensions: [("method", method), ("route", route), ("status", String(status))],
            factory: factory
        ).increment()
        CoreMetrics.Timer(label: Family.httpDuration.rawValue, dimensions: [("method", method), ("route", route)], factory: factory)
            .record(duration: duration)
    }

    /// One tool call of a known server and tool; `upstream` is how long the server took, for
    /// calls that reached it.
    func recordToolCall(server: String, tool: String, outcome: ToolCallOutcomeLabel, upstream: Duration?) {
        CoreMetrics.Counter(
            label: Family.toolCalls.rawValue, dimensions: [("server", server), ("tool", tool), ("outcome", outcome.rawValue)],
            factory: factory
        ).increment()
        if let upstream {
            CoreMetrics.Timer(label: Family.upstreamDuration.rawValue, dimensions: [("server", server)], factory: factory)
                .record(duration: upstream)
        }
    }

    /// One server's token refresh: `ok`, or `error` when the token endpoint refused or failed.
    func recordTokenRefresh(server: String, succeeded: Bool) {
        CoreMetrics.Counter(
            label: Family.tokenRefreshes.rawValue, dimensions: [("server", server), ("outcome", succeeded ? "ok" : "error")],
            factory: factory
        ).increment()
    }

    /// The Prometheus text exposition (format 0.0.4), with the gauges set from `servers` first.
    func exposition(servers: [ServerStatus]) -> String {
        exported.withLock { exported in
            var counts: [ServerStatus.State: Int] = [:]
            for server in servers { counts[server.state, default: 0] += 1 }
            for state in ServerStatus.State.allCases {
                meter(.servers, [("state", state.rawValue)]).set(counts[state] ?? 0)
            }
            for server in servers {
                for state in Self.breakerStates {
                    meter(.breakerState, [("server", server.name), ("state", state)]).set(server.circuit == state ? 1 : 0)
                }
            }
            let names = Set(servers.map(\.name))
            for gone in exported.subtracting(names) {
                for state in Self.breakerStates { meter(.breakerState, [("server", gone), ("state", state)]).destroy() }
            }
            exported = names
            return Self.documented(registry.emitToString())
        }
    }

    private func meter(_ family: Family, _ dimensions: [(String, String)]) -> CoreMetrics.Meter {
        CoreMetrics.Meter(label: family.rawValue, dimensions: dimensions, factory: factory)
    }

    /// The registry's text with families in name order (it writes them in hash order), each
    /// with its `# HELP` line: swift-metrics has no help text to hand the registry, so it writes none.
    static func documented(_ text: String) -> String {
        var blocks: [(name: String, lines: [Substring])] = []
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") || blocks.isEmpty {
                let name = line.hasPrefix("# TYPE ") ? line.split(separator: " ").dropFirst(2).first.map(String.init) ?? "" : ""
                blocks.append((name, Family(rawValue: name).map { ["# HELP \($0.rawValue) \($0.help)"] } ?? []))
            }
            blocks[blocks.count - 1].lines.append(line)
        }
        guard !blocks.isEmpty else { return "" }
        return blocks.sorted { $0.name < $1.name }.flatMap(\.lines).joined(separator: "\n") + "\n"
    }
}
