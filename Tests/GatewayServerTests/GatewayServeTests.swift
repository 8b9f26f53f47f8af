import CurlHTTP
import Foundation
import TestSupport
import Testing

/// `lmg serve` as a user runs it, over loopback, with real servers behind it: the built-in
/// server, the official Python SDK's fixture, and one that cannot start.
@Suite("lmg serve: live")
struct GatewayServeTests {
    static let builtin = #"{"command": "\#(Repo.lmgBinary)", "args": ["mcp-server"]}"#
    static var fixture: String { #"{"command": "\#(Repo.python)", "args": ["\#(Repo.fixture("mcp_fixture.py"))"], "tool_timeout": 20}"# }

    @Test func servesToolsAndNamesTheServerThatIsDown() async throws {
        let serve = try await ServeProcess.start(config: #"{"mcpServers": {"builtin": \#(Self.builtin), "ghost": {"command": "lmg-no-such-command-xyz"}}, "server": {"max_body_bytes": 256}}"#)
        try await withPeer(serve, stop: { await $0.stop() }) { serve in
            let status = try await serve.send("GET", "/mcp/servers/status")
            #expect(status.status == 200)
            #expect(status.body.contains(#""state":"failed""#) && status.body.contains("lmg-no-such-command-xyz"), "\(status.body)")

            let call = try await serve.send("POST", "/mcp/tools/call", body: #"{"server_name": "builtin", "tool_name": "calculate", "arguments": {"expression": "(17+25)*3"}}"#,
                                            headers: ["X-Request-Id": "req-42"])
            #expect(call.status == 200)
            #expect(call.body.contains(#""text":"126""#), "\(call.body)")
            #expect(call.headers["X-Request-Id"] == "req-42")

            // A tool that fails is a result, not an HTTP error.
            let failed = try await serve.send("POST", "/mcp/tools/call", body: #"{"server_name": "builtin", "tool_name": "calculate", "arguments": {"expression": "2 +"}}"#)
            #expect(failed.status == 200)
            #expect(failed.body.contains(#""isError":true"#), "\(failed.body)")

            let tooLarge = try await serve.send("POST", "/mcp/tools/call", body: String(repeating: " ", count: 1024) + "{}")
            #expect(tooLarge.status == 413)
            #expect(tooLarge.body.contains("server.max_body_bytes"))

            let unknown = try await serve.send("POST", "/mcp/tools/call", body: #"{"server_name": "builtin", "tool_name": "calculat"}"#)
            #expect(unknown.status == 404)
            #expect(unknown.body.contains("did you mean 'calculate'?"))
            #expect(unknown.headers["X-Request-Id"]?.isEmpty == false, "every answer has a request id")

            let prompt = try await serve.send("POST", "/mcp/prompts/get", body: #"{"server_name": "builtin", "prompt_name": "explain_file", "arguments": {"path": "Package.swift"}}"#)
            #expect(prompt.status == 200 && prompt.body.contains("messages"), "\(prompt.body)")
            let resource = try await serve.send("POST", "/mcp/resources/read", body: #"{"server_name": "builtin", "uri": "lmg://server/about"}"#)
            #expect(resource.status == 200 && resource.body.contains("contents"), "\(resource.body)")

            // One access-log line a request, with its id and status.
            try await Task.sleep(for: .milliseconds(100))
            #expect(serve.stderrText.contains("id=req-42") && serve.stderrText.contains("status=200"), "\(serve.stderrText)")
        }
    }

    /// SIGTERM with a 2 s call in flight: the call completes with 200, and the process exits 0.
    @Test func sigtermLetsACallInFlightFinish() async throws {
        let serve = try await ServeProcess.start(config: #"{"mcpServers": {"fx": \#(Self.fixture)}}"#)
        try await withPeer(serve, stop: { await $0.stop() }) { serve in
            async let call = serve.send("POST", "/mcp/tools/call", body: #"{"server_name": "fx", "tool_name": "slow", "arguments": {"seconds": 2}}"#)
            try await Task.sleep(for: .milliseconds(700))
            let status = await serve.terminate()
            let answer = try await call
            #expect(answer.status == 200, "\(answer)")
            #expect(answer.body.contains("slept"), "\(answer.body)")
            #expect(status == 0, "\(serve.stderrText)")
        }
    }

    @Test func anUpstreamTimeoutIs504() async throws {
        let slow = #"{"command": "\#(Repo.python)", "args": ["\#(Repo.fixture("mcp_fixture.py"))"], "tool_timeout": 0.3}"#
        let serve = try await ServeProcess.start(config: #"{"mcpServers": {"fx": \#(slow)}}"#)
        try await withPeer(serve, stop: { await $0.stop() }) { serve in
            let answer = try await serve.send("POST", "/mcp/tools/call", body: #"{"server_name": "fx", "tool_name": "slow", "arguments": {"seconds": 3}}"#)
            #expect(answer.status == 504, "\(answer)")
            #expect(answer.body.contains("upstream_timeout"))
        }
    }

    /// `forward_headers` copies exactly the listed headers of the caller's request to that HTTP
    /// server, per request; never the gateway's own bearer key, never to another caller's call.
    @Test func forwardsTheListedHeadersOfEachRequest() async throws {
        let fixture = try await FixtureProcess.python("mcp_fixture.py", ["--transport", "streamable-http", "--port", "0"])
        defer { fixture.stop() }
        let key = "lmg-test-key-\(UUID().uuidString)"
        let config = #"""
            {"mcpServers": {"crm": {"url": "\#(fixture.url("/mcp"))", "forward_headers": ["X-User-Id", "Authorization"]}},
             "server": {"api_keys": [{"key": "\#(key)", "name": "team"}]}}
            """#
        let serve = try await ServeProcess.start(config: config)
        try await withPeer(serve, stop: { await $0.stop() }) { serve in
            let call = #"{"server_name": "crm", "tool_name": "request_headers", "arguments": {}}"#
            let alice = try await serve.send("POST", "/mcp/tools/call", body: call,
                                             headers: ["Authorization": "Bearer \(key)", "X-User-Id": "alice", "X-Other": "not-listed"])
            #expect(alice.status == 200, "\(alice)")
            #expect(alice.body.contains(#"\"x-user-id\": \"alice\""#), "\(alice.body)")
            #expect(!alice.body.contains("not-listed"), "only the listed headers are forwarded")
            #expect(!alice.body.contains(key), "the gateway's own key is not the upstream's credential")

            let anonymous = try await serve.send("POST", "/mcp/tools/call", body: call, headers: ["Authorization": "Bearer \(key)"])
            #expect(anonymous.status == 200, "\(anonymous)")
            #expect(!anonymous.body.contains("x-user-id") && !anonymous.body.contains("alice"), "a header is forwarded only with the request that had it")
            #expect(!serve.stderrText.contains(key), "the key never reaches the log")
        }
    }

    @Test func aNonLoopbackBindIsRefused() async throws {
        let path = try writeConfig(#"{"mcpServers": {}}"#)
        let result = try await runLMG(["serve", "--config", path, "--host", "0.0.0.0", "--port", "0"])
        #expect(result.status == 2, "\(result)")
        #expect(result.stderrLines.count == 1 && result.stderr.contains("not a loopback address"), "\(result)")
    }
}
