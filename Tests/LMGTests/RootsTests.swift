import Foundation
import TestSupport
import Testing

/// The config's `roots` reach a server that asks, in both eras (the Python SDK fixture's
/// `need_roots`: an `input_required` result in 2026-07-28, its own `roots/list` request before).
@Suite("Roots from the config")
struct RootsTests {
    @Test(arguments: ["auto", "2025-11-25"])
    func aServerAskingGetsTheConfiguredRoots(_ revision: String) async throws {
        let folder = NSTemporaryDirectory() + "lmg-roots-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let config = try writeConfig(#"""
            {"roots": ["\#(folder)"], "mcpServers": {"fx": {"command": "\#(Repo.python)", "args": ["\#(Repo.fixture("mcp_fixture.py"))"],
              "protocol_version": "\#(revision)"}}}
            """#)
        let run = try await runLMG(["call", "--config", config, "fx", "need_roots"])
        #expect(run.status == 0, "\(run)")
        let roots = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]]
        #expect(roots?.count == 1, "\(run)")
        #expect(roots?.first?["uri"] as? String == URL(fileURLWithPath: folder, isDirectory: true).absoluteString, "\(run)")
    }
}
