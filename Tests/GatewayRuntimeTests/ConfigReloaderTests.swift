import Foundation
import GatewayRuntime
import MCPGateway
import TestSupport
import Testing

/// The config file watched while the manager runs: edits applied, broken edits rejected once.
@Suite("Config reloader", .serialized)
struct ConfigReloaderTests {
    static func writeConfig(_ path: String, _ servers: [String: String]) throws {
        let entries = servers.keys.sorted().map { "\"\($0)\": \(servers[$0]!)" }.joined(separator: ", ")
        try "{\"mcpServers\": {\(entries)}}".write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test func hotReloadAddsRemovesRestartsAndRejects() async throws {
        let builtin = #"{"command": "\#(Repo.lmgBinary)", "args": ["mcp-server"]}"#
        let path = NSTemporaryDirectory() + "lmg-reload-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Self.writeConfig(path, ["keep": builtin, "drop": builtin, "change": builtin])
        let manager = MCPManager(options: MCPClientOptions(logDirectory: NSTemporaryDirectory() + "lmg-reload-logs", shutdownGrace: .seconds(1)))
        await manager.addServers(try ConfigLoader().load(path: path).servers)
        let keepPid = try await manager.client(named: "keep").processID
        let changePid = try await manager.client(named: "change").processID
        let dropClient = try await manager.client(named: "drop")

        let events = EventLog()
        let reloader = ConfigReloader(manager: manager, path: path, interval: .milliseconds(50), onEvent: { await events.add($0) })
        await reloader.start()
        try Self.writeConfig(path, [
            "keep": builtin,
            "change": #"{"command": "\#(Repo.lmgBinary)", "args": ["mcp-server"], "tool_timeout": 5}"#,
            "added": builtin,
        ])
        try await events.waitFor(count: 1)
        guard case .applied(let diff) = await events.all[0] else {
            Issue.record("expected applied, got \(await events.all)")
            return
        }
        #expect(diff.added.map(\.name) == ["added"])
        #expect(diff.removed == ["drop"])
        #expect(diff.changed.map(\.name) == ["change"])
        #expect(diff.unchanged == ["keep"])
        #expect(diff.summary == "added added; removed drop; restarted change")
        #expect(await manager.serverNames == ["added", "change", "keep"])
        #expect(try await manager.client(named: "keep").processID == keepPid, "unchanged servers keep running")
        #expect(try await manager.client(named: "change").processID != changePid)
        #expect(!dropClient.isConnected)
        #expect(await manager.status().allSatisfy { $0.state == .ready })

        // A broken edit keeps what runs and is reported once, naming the file and the place.
        try "{\"mcpServers\": {\"keep\": {\"command\": 42}}}".write(toFile: path, atomically: true, encoding: .utf8)
        try await events.waitFor(count: 2)
        guard case .rejected(let error) = await events.all[1] else {
            Issue.record("expected rejected, got \(await events.all)")
            return
        }
        #expect(error.description.contains(path))
        #expect(error.description.contains("server 'keep', field 'command'"))
        #expect(await manager.serverNames == ["added", "change", "keep"])
        try await Task.sleep(for: .milliseconds(300))
        #expect(await events.all.count == 2, "one report per change, not one per poll")
        await reloader.stop()
        await manager.shutdown()
    }

    /// A gateway's servers added over HTTP are not the file's: a reload keeps them running, and
    /// the file's servers are applied around them.
    @Test func serversAlongsideTheFileSurviveAReload() async throws {
        let builtin = #"{"command": "\#(Repo.lmgBinary)", "args": ["mcp-server"]}"#
        let path = NSTemporaryDirectory() + "lmg-reload-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Self.writeConfig(path, ["file": builtin])
        let manager = MCPManager(options: MCPClientOptions(logDirectory: NSTemporaryDirectory() + "lmg-reload-logs", shutdownGrace: .seconds(1)))
        let added = MCPServerConfig.stdio("added", command: Repo.lmgBinary, args: ["mcp-server"])
        await manager.addServers(try ConfigLoader().load(path: path).servers + [added])
        let addedPid = try await manager.client(named: "added").processID
        let seen = EventLog()
        let reloader = ConfigReloader(
            manager: manager, path: path, interval: .milliseconds(50),
            alongside: { file in file.contains { $0.name == "added" } ? [] : [added] },
            onEvent: { await seen.add($0) })
        try Self.writeConfig(path, ["file": builtin, "second": builtin])
        await reloader.reload()
        #expect(await manager.serverNames == ["added", "file", "second"])
        #expect(try await manager.client(named: "added").processID == addedPid, "kept running, not restarted")
        await reloader.stop()
        await manager.shutdown()
    }
}

/// What a reloader reported, for assertions.
actor EventLog {
    private(set) var all: [ConfigReloader.Event] = []

    func add(_ event: ConfigReloader.Event) { all.append(event) }

    func waitFor(count: Int, timeout: Duration = .seconds(15)) async throws {
        let deadline = ContinuousClock.now + timeout
        while all.count < count && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        if all.count < count { throw FixtureError("only \(all.count) reload events after \(timeout)") }
    }
}
