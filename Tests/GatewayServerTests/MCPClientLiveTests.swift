import Foundation
import TestSupport
import Testing

/// The official Python MCP clients (mcp 2.3.0 and 1.30.0) and `lmg` itself against a live
/// `lmg serve`'s `/mcp`, with the Python SDK fixture and the built-in server behind it.
/// Tests/Fixtures/mcp_client_check.py runs one scenario per process and prints JSON.
@Suite("lmg serve /mcp: the Python MCP SDKs and lmg as clients")
struct MCPClientLiveTests {
    static let pythons = [("mcp 2.3.0", Repo.python), ("mcp 1.30.0", Repo.python1)]

    /// A gateway over the fixture (`fx`, recording to a file; it speaks 2026-07-28), the
    /// built-in server, and with `legacy` a second fixture held to 2025-11-25 (`fxl`).
    static func withGateway(legacy: Bool = false, _ body: (ServeProcess, String) async throws -> Void) async throws {
        let older = #", "fxl": {"command": "\#(Repo.python)", "args": ["\#(Repo.fixture("mcp_fixture.py"))"], "protocol_version": "2025-11-25"}"#
        let record = NSTemporaryDirectory() + "lmg-mcp-record-\(UUID().uuidString).txt"
        _ = FileManager.default.createFile(atPath: record, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: record) }
        let config = #"""
            {"mcpServers": {
               "fx": {"command": "\#(Repo.python)", "args": ["\#(Repo.fixture("mcp_fixture.py"))", "--record", "\#(record)"]},
               "builtin": {"command": "\#(Repo.lmgBinary)", "args": ["mcp-server"]}\#(legacy ? older : "")},
             "server": {"allow_stdio_servers": true}}
            """#
        let serve = try await ServeProcess.start(config: config)
        try await withPeer(serve, stop: { await $0.stop() }) { serve in try await body(serve, record) }
    }

    /// One scenario's JSON.
    static func check(_ python: String, _ url: String, _ arguments: [String], timeout: TimeInterval = 60) async throws -> [String: Any] {
        let run = try await runProcess("/usr/bin/env", [python, Repo.fixture("mcp_client_check.py"), url] + arguments, timeout: timeout)
        let line = run.stdout.split(separator: "\n").last.map(String.init) ?? ""
        let object = try #require(try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(run)")
        #expect(run.status == 0 && object["error"] == nil, "\(arguments.first ?? ""): \(run)")
        return object
    }

    /// A scenario that must fail: its error text.
    static func failure(_ python: String, _ url: String, _ arguments: [String]) async throws -> String {
        let run = try await runProcess("/usr/bin/env", [python, Repo.fixture("mcp_client_check.py"), url] + arguments, timeout: 60)
        let line = run.stdout.split(separator: "\n").last.map(String.init) ?? ""
        let object = try #require(try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(run)")
        #expect(run.status != 0, "\(arguments.first ?? ""): \(run)")
        return object["error"] as? String ?? ""
    }

    @Test func bothSDKsListCallReadGetAndSeeProgressAndCancellation() async throws {
        try await Self.withGateway { serve, record in
            let url = serve.url("/mcp")
            for (sdk, python) in Self.pythons {
                let basics = try await Self.check(python, url, [
                    "basics", "--tool", "fx__add", "--args", #"{"a": 2, "b": 3}"#, "--resource", "fixture://greeting",
                    "--prompt", "fx__review_code", "--prompt-args", #"{"code": "x = 1"}"#,
                ])
                let tools = basics["tools"] as? [String] ?? []
                #expect(tools.contains("fx__add") && tools.contains("builtin__calculate"), "\(sdk): \(tools)")
                #expect(basics["serverName"] as? String == "lmg", "\(sdk)")
                #expect((basics["call"] as? [String: Any])?["text"] as? String == "5", "\(sdk): \(basics)")
                #expect((basics["templates"] as? [String])?.contains("fixture://items/{id}") == true, "\(sdk)")
                let read = basics["read"] as? [[String: Any]] ?? []
                #expect((read.first?["text"] as? String)?.isEmpty == false, "\(sdk): \(read)")
                #expect((basics["prompt"] as? [[String: Any]])?.count == 2, "\(sdk)")

                let progress = try await Self.check(python, url, ["progress", "--tool", "fx__progress", "--args", #"{"steps": 3, "delay": 0.05}"#])
                let steps = progress["progress"] as? [[Any]] ?? []
                #expect(steps.count == 3 && (steps.last?[2] as? String) == "step 3 of 3", "\(sdk): \(progress)")

                let before = (try? String(contentsOfFile: record, encoding: .utf8))?.components(separatedBy: "cancelled").count ?? 0
                let cancel = try await Self.check(python, url, ["cancel", "--tool", "fx__slow", "--args", #"{"seconds": 5}"#, "--after", "0.5"])
                #expect(cancel["cancelled"] as? Bool == true && cancel["sessionAlive"] as? Bool == true, "\(sdk): \(cancel)")
                // The fixture saw notifications/cancelled for the call the gateway made for us.
                var seen = false
                for _ in 0..<50 where !seen {
                    let text = (try? String(contentsOfFile: record, encoding: .utf8)) ?? ""
                    seen = text.components(separatedBy: "cancelled").count > before && text.contains("slow-interrupted")
                    if !seen { try await Task.sleep(for: .milliseconds(100)) }
                }
                #expect(seen, "\(sdk): the upstream server was told: \((try? String(contentsOfFile: record, encoding: .utf8)) ?? "")")
            }
        }
    }

    /// Both ways a server asks: inside an `input_required` result (2026-07-28, `fx`), which the
    /// gateway answers through the client and then calls again; and as the server's own request
    /// (2025-11-25, `fxl`), relayed as it came.
    @Test func elicitationAndSamplingAreRelayedToClientsThatDeclareThem() async throws {
        try await Self.withGateway(legacy: true) { serve, _ in
            let url = serve.url("/mcp")
            for (sdk, python) in Self.pythons {
                let modern = try await Self.check(python, url, ["elicit", "--tool", "fx__need_elicitation", "--args", #"{"question": "Who are you?"}"#, "--answer", #"{"name": "Ada"}"#])
                #expect(modern["text"] as? String == "elicited: Ada", "\(sdk): \(modern)")
                #expect(modern["elicitations"] as? [String] == ["Who are you?"], "\(sdk)")
                let refused = try await Self.failure(python, url, ["elicit", "--tool", "fx__need_elicitation", "--answer", "{}", "--decline-capability"])
                #expect(refused.contains("did not declare the 'elicitation' capability"), "\(sdk): \(refused)")

                let elicit = try await Self.check(python, url, ["elicit", "--tool", "fxl__ask_elicitation", "--args", #"{"question": "Who are you?"}"#, "--answer", #"{"name": "Ada"}"#])
                #expect(elicit["text"] as? String == #"elicited: accept {"name": "Ada"}"#, "\(sdk): \(elicit)")
                #expect(elicit["elicitations"] as? [String] == ["Who are you?"], "\(sdk)")
                let declined = try await Self.check(python, url, ["elicit", "--tool", "fxl__ask_elicitation", "--answer", "{}", "--decline-capability"])
                #expect((declined["text"] as? String)?.contains("did not declare the 'elicitation' capability") == true, "\(sdk): \(declined)")
            }
            for tool in ["fx__need_sampling", "fxl__ask_sampling"] {
                let sampled = try await Self.check(Repo.python, url, ["sampling", "--tool", tool, "--answer", "Hello there"])
                #expect(sampled["text"] as? String == "sampled: Hello there", "\(tool): \(sampled)")
            }
        }
    }

    /// Over Streamable HTTP the server's request comes on the POST stream of the call it belongs
    /// to, so it is relayed even while another caller's call to the same server is pending.
    @Test func anHTTPServersRequestIsRelayedToTheCallItCameWith() async throws {
        let upstream = try await FixtureProcess.python("mcp_fixture.py", ["--transport", "streamable-http", "--port", "0"])
        defer { upstream.stopInBackground() }
        // Held to 2025-11-25: in 2026-07-28 a server has no requests of its own to send.
        let serve = try await ServeProcess.start(config: #"{"mcpServers": {"fxh": {"url": "\#(upstream.url("/mcp"))", "protocol_version": "2025-11-25"}}}"#)
        try await withPeer(serve, stop: { await $0.stop() }) { serve in
            let busy = Task { try await serve.send("POST", "/mcp/tools/call", body: #"{"server_name": "fxh", "tool_name": "slow", "arguments": {"seconds": 4}}"#) }
            try await Task.sleep(for: .milliseconds(500))
            let elicit = try await Self.check(Repo.python, serve.url("/mcp"), ["elicit", "--tool", "fxh__ask_elicitation", "--answer", #"{"name": "Ada"}"#])
            #expect(elicit["text"] as? String == #"elicited: accept {"name": "Ada"}"#, "\(elicit)")
            #expect(try await busy.value.status == 200)
        }
    }

    @Test func serversLogMessagesReachClientsNamingTheServerAndHonouringTheirLevel() async throws {
        try await Self.withGateway { serve, _ in
            let url = serve.url("/mcp")
            for (sdk, python) in Self.pythons {
                let all = try await Self.check(python, url, ["logs", "--tool", "fx__log", "--args", #"{"message": "hello", "levels": ["debug", "warning"]}"#, "--count", "2", "--wait", "10"])
                let logs = all["logs"] as? [[String: Any]] ?? []
                #expect(logs.map { $0["level"] as? String } == ["debug", "warning"], "\(sdk): \(all)")
                #expect(logs.allSatisfy { $0["logger"] as? String == "fx/fixture" && $0["data"] as? String == "hello" }, "\(sdk): \(logs)")
                // logging/setLevel warning: the debug message is not forwarded.
                let filtered = try await Self.check(python, url, [
                    "logs", "--tool", "fx__log", "--args", #"{"message": "again", "levels": ["debug", "error"]}"#, "--level", "warning", "--count", "1", "--wait", "10",
                ])
                #expect((filtered["logs"] as? [[String: Any]])?.compactMap { $0["level"] as? String } == ["error"], "\(sdk): \(filtered)")
            }
        }
    }

    @Test func listChangedReachesClientsWhenAServerIsAddedOverREST() async throws {
        try await Self.withGateway { serve, _ in
            for (sdk, python) in Self.pythons {
                let out = NSTemporaryDirectory() + "lmg-list-changed-\(UUID().uuidString).json"
                defer { try? FileManager.default.removeItem(atPath: out) }
                let name = "late\(sdk.hasPrefix("mcp 2") ? 2 : 1)"
                let client = try await FixtureProcess.start("/usr/bin/env", [
                    python, Repo.fixture("mcp_client_check.py"), serve.url("/mcp"), "list-changed", "--wait", "20", "--expect", "\(name)__echo", "--out", out,
                ])
                let added = try await serve.send("POST", "/mcp/servers", body: #"{"name": "\#(name)", "command": "\#(Repo.lmgBinary)", "args": ["mcp-server"]}"#)
                #expect(added.status == 201, "\(added)")
                try await offPool { client.process.waitUntilExit() }
                let result = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: Any])
                #expect(result["listChanged"] as? Bool == true, "\(sdk): \(result)")
                #expect((result["tools"] as? [String])?.contains("\(name)__echo") == true, "\(sdk): \(result)")
            }
        }
    }

    @Test func lmgItselfUsesTheGatewayAsOneServer() async throws {
        try await Self.withGateway { serve, _ in
            let config = try writeConfig(#"{"mcpServers": {"gw": {"url": "\#(serve.url("/mcp"))"}}}"#)
            defer { try? FileManager.default.removeItem(atPath: config) }
            // lmg finds 2026-07-28 by server/discover and speaks it to the gateway.
            let status = try await runLMG(["servers", "--json", "--config", config])
            #expect(status.status == 0 && status.stdout.contains("2026-07-28"), "\(status)")
            let tools = try await runLMG(["tools", "--config", config])
            #expect(tools.status == 0 && tools.stdout.contains("fx__add") && tools.stdout.contains("builtin__echo"), "\(tools)")
            let call = try await runLMG(["call", "gw", "fx__add", "a=2", "b=3", "--config", config])
            #expect(call.status == 0 && call.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "5", "\(call)")
            let read = try await runLMG(["read", "gw", "fixture://greeting", "--config", config])
            #expect(read.status == 0 && !read.stdout.isEmpty, "\(read)")
            let prompt = try await runLMG(["get-prompt", "gw", "fx__review_code", "code=x", "--config", config])
            #expect(prompt.status == 0 && prompt.stdout.contains("x"), "\(prompt)")
        }
    }
}
