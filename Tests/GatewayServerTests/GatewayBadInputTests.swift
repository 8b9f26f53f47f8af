import Foundation
import TestSupport
import Testing

/// `lmg serve` fed what a careless or hostile client sends (bad_client.py): malformed, truncated and
/// deeply nested JSON, invalid UTF-8, a body over the limit sent slowly, a body trickled in, idle and
/// half-open connections, header floods, bytes that are not HTTP. Each gets a clean 4xx or a closed
/// connection, and a client calling tools beside them all the while sees no error.
@Suite("lmg serve: bad input from clients")
struct GatewayBadInputTests {
    @Test func everyBadRequestIsA4xxOrAClosedConnectionAndNobodyElseNotices() async throws {
        let serve = try await ServeProcess.start(config: #"""
            {"mcpServers": {"builtin": {"command": "\#(Repo.lmgBinary)", "args": ["mcp-server"]}},
             "server": {"store": "memory", "max_body_bytes": 65536, "idle_timeout": 1, "body_timeout": 1}}
            """#)
        try await withPeer(serve, stop: { await $0.stop() }) { serve in
            let run = try await runProcess(
                "/usr/bin/env", [Repo.python, Repo.fixture("bad_client.py"), "--port", "\(serve.port)", "--idle-timeout", "1", "--body-timeout", "1",
                                 "--max-body", "65536"], timeout: 180)
            #expect(run.status == 0, "\(run)")
            let results = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run)")
            func status(_ name: String) -> Int? { (results[name] as? [String: Any])?["status"] as? Int }
            func closed(_ name: String) -> Bool { (results[name] as? [String: Any])?["closed"] as? Bool == true }
            func seconds(_ name: String) -> Double { (results[name] as? [String: Any])?["seconds"] as? Double ?? .infinity }

            for name in ["malformed", "invalid_utf8", "deep_nesting", "deep_nesting_mcp", "not_an_object"] {
                #expect(status(name) == 400, "\(name): \(results[name] ?? "-")")
            }
            // Cut off mid-body: refused, or the connection closed; never an answer as if whole.
            #expect(status("truncated") == 400 || (status("truncated") == nil && closed("truncated")), "\(results["truncated"] ?? "-")")
            // Content-Length over the limit: 413 at once, and the connection is not kept to drain the rest.
            #expect(status("over_limit_slowly") == 413 && closed("over_limit_slowly") && seconds("over_limit_slowly") < 5, "\(results["over_limit_slowly"] ?? "-")")
            // A body trickled in: 408 after body_timeout, then closed.
            #expect(status("slow_body") == 408 && closed("slow_body") && seconds("slow_body") < 10, "\(results["slow_body"] ?? "-")")
            // Idle and half-open connections are closed after idle_timeout.
            for name in ["idle", "half_open"] {
                #expect(closed(name) && seconds(name) >= 0.5 && seconds(name) < 10, "\(name): \(results[name] ?? "-")")
            }
            for name in ["header_flood", "huge_header", "huge_uri", "not_http"] {
                #expect((status(name).map { (400..<500).contains($0) } ?? false) || (status(name) == nil && closed(name)), "\(name): \(results[name] ?? "-")")
                #expect(closed(name), "\(name): the connection is not kept")
            }
            let good = try #require(results["good"] as? [String: Any])
            #expect((good["errors"] as? [String])?.isEmpty == true, "the client beside them: \(good)")
            #expect((good["ok"] as? Int ?? 0) > 20, "\(good)")

            // Still serving, and it said nothing it should not have.
            #expect(try await serve.send("GET", "/healthz").status == 200)
        }
    }
}
