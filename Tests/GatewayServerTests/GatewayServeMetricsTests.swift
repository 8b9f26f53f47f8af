import CurlHTTP
import Foundation
import TestSupport
import Testing

/// `GET /metrics` of a real `lmg serve`, after real calls to the built-in server and with one
/// server down (an HTTP server on a closed loopback port whose header holds a secret).
@Suite("lmg serve: metrics, live")
struct GatewayServeMetricsTests {
    @Test func metricsShowTheCallsAndParseAndHoldNoSecret() async throws {
        let closed = try freeLoopbackPort()
        let down = #"{"url": "http://127.0.0.1:\#(closed)/mcp", "headers": {"Authorization": "Bearer hdr-secret-5"}}"#
        let keys = #"[{"key": "live-admin-key-7", "name": "ops", "role": "admin"}]"#
        let serve = try await ServeProcess.start(
            config: #"{"mcpServers": {"builtin": \#(GatewayServeTests.builtin), "down": \#(down)}, "server": {"api_keys": \#(keys)}}"#)
        try await withPeer(serve, stop: { await $0.stop() }) { serve in
            let auth: HTTPHeaders = ["Authorization": "Bearer live-admin-key-7"]
            for expression in ["1+2", "6*7"] {
                let call = try await serve.send("POST", "/mcp/tools/call", body: #"{"server_name": "builtin", "tool_name": "calculate", "arguments": {"expression": "\#(expression)"}}"#, headers: auth)
                #expect(call.status == 200, "\(call.body)")
            }
            let failed = try await serve.send("POST", "/mcp/tools/call", body: #"{"server_name": "builtin", "tool_name": "calculate", "arguments": {"expression": "2 +"}}"#, headers: auth)
            #expect(failed.status == 200 && failed.body.contains(#""isError":true"#), "\(failed.body)")
            #expect(try await serve.send("POST", "/mcp/tools/call", body: #"{"server_name": "builtin", "tool_name": "calculat"}"#, headers: auth).status == 404)
            #expect(try await serve.send("DELETE", "/mcp/servers/nobody-here", headers: auth).status == 404)
            #expect(try await serve.send("GET", "/metrics").status == 401, "api_keys without metrics_public: a key is needed")

            let scrape = try await serve.send("GET", "/metrics", headers: auth)
            #expect(scrape.status == 200)
            #expect(scrape.headers["Content-Type"]?.hasPrefix("text/plain; version=0.0.4") == true, "\(scrape.headers)")
            let metrics = try PrometheusText(scrape.body)
            let calls = "lmg_tool_calls_total"
            #expect(metrics.value(calls, ["server": "builtin", "tool": "calculate", "outcome": "ok"]) == 2, "\(scrape.body)")
            #expect(metrics.value(calls, ["server": "builtin", "tool": "calculate", "outcome": "is_error"]) == 1)
            #expect(metrics.total(calls) == 3, "the unknown tool was refused before any call")
            #expect(metrics.value("lmg_upstream_tool_call_duration_seconds_count", ["server": "builtin"]) == 3)
            let requests = "lmg_http_requests_total"
            #expect(metrics.value(requests, ["method": "POST", "route": "/mcp/tools/call", "status": "200"]) == 3)
            #expect(metrics.value(requests, ["method": "POST", "route": "/mcp/tools/call", "status": "404"]) == 1)
            #expect(metrics.value(requests, ["method": "DELETE", "route": "/mcp/servers/{name}", "status": "404"]) == 1)
            #expect(metrics.value(requests, ["method": "GET", "route": "/metrics", "status": "401"]) == 1)
            #expect(metrics.value("lmg_http_request_duration_seconds_count", ["method": "POST", "route": "/mcp/tools/call"]) == 4)
            #expect(metrics.value("lmg_servers", ["state": "failed"]) == 1)
            #expect(metrics.total("lmg_servers", matching: ["state": "ready"]) + metrics.total("lmg_servers", matching: ["state": "degraded"]) == 1)
            #expect(metrics.value("lmg_server_breaker_state", ["server": "builtin", "state": "closed"]) == 1)
            #expect(!metrics.labelValues.contains { $0.contains("nobody-here") }, "no raw path in a label")
            for secret in ["live-admin-key-7", "hdr-secret-5"] {
                #expect(!scrape.body.contains(secret), "no secret in /metrics")
            }
            try await Task.sleep(for: .milliseconds(100))
            #expect(serve.stderrText.contains("route=/mcp/servers/{name}"), "the access log names the route pattern")
            #expect(!serve.stderrText.contains("live-admin-key-7") && !serve.stderrText.contains("hdr-secret-5"))
        }
    }
}
