import Foundation
import TestSupport
import Testing

/// The official Python client (mcp 2.3.0, `mcp.Client(mode="auto")`) against a live `lmg
/// serve`'s `/mcp` in 2026-07-28: it finds the revision by `server/discover` and never opens a
/// session. Tests/Fixtures/mcp_modern_check.py runs one scenario per process.
@Suite("lmg serve /mcp in 2026-07-28: the Python client without a session")
struct MCPModernClientLiveTests {
    static func check(_ url: String, _ arguments: [String]) async throws -> [String: Any] {
        let run = try await runProcess("/usr/bin/env", [Repo.python, Repo.fixture("mcp_modern_check.py"), url] + arguments, timeout: 90)
        let line = run.stdout.split(separator: "\n").last.map(String.init) ?? ""
        let object = try #require(try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(run)")
        #expect(run.status == 0 && object["error"] == nil, "\(arguments.first ?? ""): \(run)")
        return object
    }

    @Test func theClientListsCallsReadsGetsAndSeesProgressWithoutASession() async throws {
        try await MCPClientLiveTests.withGateway { serve, record in
            let url = serve.url("/mcp")
            let basics = try await Self.check(url, [
                "basics", "--tool", "fx__add", "--args", #"{"a": 2, "b": 3}"#, "--resource", "fixture://greeting",
                "--prompt", "fx__review_code", "--prompt-args", #"{"code": "x = 1"}"#,
            ])
            #expect(basics["protocol"] as? String == "2026-07-28" && basics["serverName"] as? String == "lmg", "\(basics)")
            let tools = basics["tools"] as? [String] ?? []
            #expect(tools.contains("fx__add") && tools.contains("builtin__calculate"), "\(tools)")
            #expect((basics["call"] as? [String: Any])?["text"] as? String == "5", "\(basics)")
            #expect((basics["templates"] as? [String])?.contains("fixture://items/{id}") == true)
            #expect((basics["read"] as? String)?.isEmpty == false && (basics["prompt"] as? [String])?.count == 2, "\(basics)")

            let progress = try await Self.check(url, ["progress", "--tool", "fx__progress", "--args", #"{"steps": 3, "delay": 0.05}"#])
            let steps = progress["progress"] as? [[Any]] ?? []
            #expect(steps.count == 3 && (steps.last?[2] as? String) == "step 3 of 3", "\(progress)")

            // Closing the request's connection is the cancellation: the upstream call is stopped.
            let cancel = try await Self.check(url, ["cancel", "--tool", "fx__slow", "--args", #"{"seconds": 5}"#, "--after", "0.5"])
            #expect(cancel["cancelled"] as? Bool == true && cancel["alive"] as? Bool == true, "\(cancel)")
            var seen = false
            for _ in 0..<50 where !seen {
                seen = ((try? String(contentsOfFile: record, encoding: .utf8)) ?? "").contains("slow-interrupted")
                if !seen { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(seen, "the upstream server was told: \((try? String(contentsOfFile: record, encoding: .utf8)) ?? "")")

            let logs = try await Self.check(url, ["logs", "--tool", "fx__log", "--args", #"{"message": "hello", "levels": ["debug", "warning"]}"#, "--level", "info"])
            let levels = (logs["logs"] as? [[String: Any]] ?? []).compactMap { $0["level"] as? String }
            #expect(levels == ["warning"], "\(logs)")
            #expect((logs["logs"] as? [[String: Any]])?.first?["logger"] as? String == "fx/fixture", "\(logs)")
        }
    }

    /// A server's questions reach the client inside `input_required` results, whether the
    /// server asks that way (`fx`) or with its own request (`fxl`, 2025-11-25).
    @Test func questionsFromEitherKindOfServerReachTheClientAndTheCallFinishes() async throws {
        try await MCPClientLiveTests.withGateway(legacy: true) { serve, _ in
            let url = serve.url("/mcp")
            for tool in ["fx__need_elicitation", "fxl__ask_elicitation"] {
                let elicit = try await Self.check(url, ["elicit", "--tool", tool, "--args", #"{"question": "Who are you?"}"#, "--answer", #"{"name": "Ada"}"#])
                #expect((elicit["text"] as? String)?.contains("Ada") == true, "\(tool): \(elicit)")
                #expect(elicit["elicitations"] as? [String] == ["Who are you?"], "\(tool): \(elicit)")
            }
            let declined = try await Self.check(url, ["elicit", "--tool", "fxl__ask_elicitation", "--answer", "{}", "--decline-capability"])
            #expect((declined["text"] as? String)?.contains("did not declare the 'elicitation' capability") == true, "\(declined)")
            for tool in ["fx__need_sampling", "fxl__ask_sampling"] {
                let sampled = try await Self.check(url, ["sampling", "--tool", tool, "--answer", "Hello there"])
                #expect(sampled["text"] as? String == "sampled: Hello there", "\(tool): \(sampled)")
            }
        }
    }

    @Test func aListenStreamHearsOfAServerAddedOverREST() async throws {
        try await MCPClientLiveTests.withGateway { serve, _ in
            let out = NSTemporaryDirectory() + "lmg-listen-\(UUID().uuidString).json"
            defer { try? FileManager.default.removeItem(atPath: out) }
            // READY once the stream is acknowledged, so the change below cannot come too early.
            let client = try await FixtureProcess.start("/usr/bin/env", [
                Repo.python, Repo.fixture("mcp_modern_check.py"), serve.url("/mcp"), "listen", "--wait", "20", "--expect", "late__echo", "--out", out,
            ])
            let added = try await serve.send("POST", "/mcp/servers", body: #"{"name": "late", "command": "\#(Repo.lmgBinary)", "args": ["mcp-server"]}"#)
            #expect(added.status == 201, "\(added)")
            try await offPool { client.process.waitUntilExit() }
            let result = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: Any])
            #expect((result["events"] as? Int ?? 0) >= 1, "\(result)")
            #expect((result["tools"] as? [String])?.contains("late__echo") == true, "\(result)")
            #expect(((result["honored"] as? [String: Any])?["toolsListChanged"]) as? Bool == true, "\(result)")
        }
    }
}
