import Foundation
import TestSupport
import Testing

/// The official Python client (mcp 2.3.0, `mcp.Client`) against `lmg mcp-server`, in both eras,
/// over stdio and Streamable HTTP: `mode="auto"` settles on 2026-07-28, `"legacy"` on 2025-11-25.
@Suite("BuiltinServer: the Python SDK's client in both eras")
struct BuiltinServerSDKClientTests {
    static func check(_ mode: String, _ target: [String]) async throws -> [String: Any] {
        let run = try await runProcess(
            "/usr/bin/env", [Repo.python, Repo.fixture("sdk_client_check.py"), "--mode", mode, "--resource", "lmg://server/about"] + target,
            timeout: 90)
        let line = run.stdout.split(separator: "\n").last.map(String.init) ?? ""
        let object = try #require(try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(run)")
        #expect(run.status == 0, "\(run)")
        return object
    }

    static func expectServed(_ result: [String: Any], version: String) {
        #expect(result["protocol"] as? String == version, "\(result)")
        #expect((result["tools"] as? [String])?.contains("calculate") == true, "\(result)")
        #expect((result["call"] as? [String: Any])?["text"] as? String == "hi", "\(result)")
        #expect((result["read"] as? String)?.contains("lmg-builtin") == true, "\(result)")
    }

    @Test(arguments: [("auto", "2026-07-28"), ("legacy", "2025-11-25")])
    func overStdio(_ mode: String, _ version: String) async throws {
        Self.expectServed(try await Self.check(mode, ["--stdio", "--", Repo.lmgBinary, "mcp-server"]), version: version)
    }

    @Test func overHTTPBothErasFromOneServer() async throws {
        let server = try await FixtureProcess.start(Repo.lmgBinary, ["mcp-server", "--http", "0"])
        defer { server.stopInBackground() }
        for (mode, version) in [("auto", "2026-07-28"), ("legacy", "2025-11-25")] {
            Self.expectServed(try await Self.check(mode, ["--url", server.url("/mcp")]), version: version)
        }
    }
}
