import CurlHTTP
import Foundation
import TestSupport
import Testing

/// Two `lmg serve` processes as two replicas behind a load balancer: a `/mcp` session opened on
/// one goes on through the other when they share `LMG_SESSION_KEY`, and in 2026-07-28 there is
/// no session to share.
@Suite("lmg serve: /mcp sessions across replicas", .serialized)
struct ServeSessionReplicaTests {
    static let config = #"{"mcpServers": {"builtin": {"command": "\#(Repo.lmgBinary)", "args": ["mcp-server"]}}}"#
    static let key = Data((0..<32).map { UInt8(($0 * 37) & 0xFF) }).base64EncodedString()

    static func post(_ serve: ServeProcess, _ body: String, session: String? = nil) async throws -> (status: Int, headers: HTTPHeaders, body: String) {
        var headers: HTTPHeaders = ["Accept": "application/json, text/event-stream"]
        if let session { headers.replaceOrAdd(name: "Mcp-Session-Id", value: session) }
        return try await serve.send("POST", "/mcp", body: body, headers: headers)
    }

    static let initialize = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"replica-test","version":"1"}}}"#
    static let call = #"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"builtin__echo","arguments":{"text":"via b"}}}"#

    @Test func aSessionOpenedOnOneReplicaGoesOnThroughTheOther() async throws {
        let environment = ["LMG_SESSION_KEY": Self.key]
        let a = try await ServeProcess.start(config: Self.config, environment: environment)
        try await withPeer(a, stop: { await $0.stop() }) { a in
            let b = try await ServeProcess.start(config: Self.config, environment: environment)
            try await withPeer(b, stop: { await $0.stop() }) { b in
                let opened = try await Self.post(a, Self.initialize)
                #expect(opened.status == 200, "\(opened.body)")
                let session = try #require(opened.headers["Mcp-Session-Id"])
                #expect(session.hasPrefix("1."), "a sealed id: \(session)")
                let notified = try await Self.post(b, #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#, session: session)
                #expect(notified.status == 202, "\(notified.body)")
                let listed = try await Self.post(b, #"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#, session: session)
                #expect(listed.status == 200 && listed.body.contains("builtin__echo"), "\(listed.body.prefix(300))")
                let called = try await Self.post(b, Self.call, session: session)
                #expect(called.status == 200 && called.body.contains("via b"), "\(called.body.prefix(300))")
                // Ended through B: B refuses it from now on; A, which opened it, is not told.
                let ended = try await b.send("DELETE", "/mcp", headers: ["Mcp-Session-Id": session])
                #expect(ended.status == 204)
                #expect(try await Self.post(b, Self.call, session: session).status == 404)
                #expect(try await Self.post(a, Self.call, session: session).status == 200)
                #expect(!a.stderrText.contains(Self.key) && !b.stderrText.contains(Self.key), "the key never printed")
            }
            // A replica with another key, or none, does not know the session.
            let session = try #require(try await Self.post(a, Self.initialize).headers["Mcp-Session-Id"])
            for other in [["LMG_SESSION_KEY": Data(repeating: 9, count: 32).base64EncodedString()], [:]] {
                let c = try await ServeProcess.start(config: Self.config, environment: other)
                let status = try await withPeer(c, stop: { await $0.stop() }) { c in try await Self.post(c, Self.call, session: session).status }
                #expect(status == 404, "\(other.keys)")
            }
        }
    }

    /// 2026-07-28: no session and no shared key; each request stands alone on either replica.
    /// A call waiting for its client's answer is the one thing a replica holds: its state on the
    /// other replica tells the client to start over.
    @Test func inTheStatelessRevisionAnyReplicaAnswersAnyRequest() async throws {
        let fixture = #"{"command": "\#(Repo.python)", "args": ["\#(Repo.fixture("mcp_fixture.py"))"]}"#
        let config = #"{"mcpServers": {"builtin": {"command": "\#(Repo.lmgBinary)", "args": ["mcp-server"]}, "fx": \#(fixture)}}"#
        func post(_ serve: ServeProcess, _ method: String, name: String? = nil, _ params: String, capabilities: String = "{}") async throws -> (status: Int, headers: HTTPHeaders, body: String) {
            var headers: HTTPHeaders = ["Accept": "application/json, text/event-stream", "MCP-Protocol-Version": "2026-07-28", "Mcp-Method": method]
            if let name { headers.replaceOrAdd(name: "Mcp-Name", value: name) }
            let envelope = #""_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":\#(capabilities)}"#
            let body = #"{"jsonrpc":"2.0","id":7,"method":"\#(method)","params":{\#([envelope, params].filter { !$0.isEmpty }.joined(separator: ","))}}"#
            return try await serve.send("POST", "/mcp", body: body, headers: headers)
        }
        let a = try await ServeProcess.start(config: config)
        try await withPeer(a, stop: { await $0.stop() }) { a in
            let b = try await ServeProcess.start(config: config)
            try await withPeer(b, stop: { await $0.stop() }) { b in
                for (serve, text) in [(a, "via a"), (b, "via b")] {
                    let listed = try await post(serve, "tools/list", "")
                    #expect(listed.status == 200 && listed.body.contains("builtin__echo") && listed.headers["Mcp-Session-Id"] == nil, "\(listed.body.prefix(300))")
                    let called = try await post(serve, "tools/call", name: "builtin__echo", #""name":"builtin__echo","arguments":{"text":"\#(text)"}"#)
                    #expect(called.status == 200 && called.body.contains(text) && called.body.contains(#""resultType":"complete""#), "\(called.body.prefix(300))")
                }
                let asked = try await post(a, "tools/call", name: "fx__need_elicitation", #""name":"fx__need_elicitation","arguments":{}"#, capabilities: #"{"elicitation":{}}"#)
                let result = try #require(try JSONSerialization.jsonObject(with: Data(asked.body.utf8)) as? [String: Any])["result"] as? [String: Any]
                let state = try #require(result?["requestState"] as? String, "\(asked.body)")
                let elsewhere = try await post(b, "tools/call", name: "fx__need_elicitation",
                    #""name":"fx__need_elicitation","arguments":{},"inputResponses":{"lmg-1":{"action":"accept","content":{"name":"Ada"}}},"requestState":"\#(state)""#,
                    capabilities: #"{"elicitation":{}}"#)
                #expect(elsewhere.status == 400 && elsewhere.body.contains("invalid_request_state"), "\(elsewhere.body)")
                let home = try await post(a, "tools/call", name: "fx__need_elicitation",
                    #""name":"fx__need_elicitation","arguments":{},"inputResponses":{"lmg-1":{"action":"accept","content":{"name":"Ada"}}},"requestState":"\#(state)""#,
                    capabilities: #"{"elicitation":{}}"#)
                #expect(home.status == 200 && home.body.contains("elicited: Ada"), "\(home.body)")
            }
        }
    }

    @Test func aKeyThatIsNotThirtyTwoBytesStopsTheStartNamingTheVariable() async throws {
        let path = try writeConfig(Self.config)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let secret = Data(repeating: 1, count: 20).base64EncodedString()
        let run = try await runLMG(["serve", "--config", path, "--port", "0"], environment: ["LMG_SESSION_KEY": secret])
        #expect(run.status != 0 && run.stderr.contains("LMG_SESSION_KEY holds 20 bytes, not 32"), "\(run.stderr)")
        #expect(!run.stderr.contains(secret) && run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
    }
}
