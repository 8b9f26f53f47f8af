import Foundation
import MCP
import MCPGateway
import Locking
import TestSupport
import Testing

/// The SDK 2.3.0 fixture over stdio as `fx`, held to `revision` when one is given.
func fixtureEntry(_ revision: String?, _ flags: [String] = []) -> MCPServerConfig {
    var config = MCPServerConfig.stdio("fx", command: Repo.python, args: [Repo.fixture("mcp_fixture.py")] + flags)
    // Generous: the Python peer starts while other suites start theirs.
    config.timeout = .seconds(60)
    if let revision { config.protocolPreference = .only(revision) }
    return config
}

/// Which revision lmg ends up speaking, against real servers of both generations: the SDK
/// 1.30.0 (up to 2025-11-25 only) and 2.3.0 (both eras from one server).
@Suite("MCP revisions: the era each server gets")
struct ProtocolEraTests {
    enum Transport: String, CaseIterable, Sendable {
        case stdio, http
    }

    /// Connects to the SDK 1.x fixture over `transport` and runs `body`; stops both.
    static func withLegacyServer(_ transport: Transport, revision: String? = nil, _ body: (MCPClient) async throws -> Void) async throws {
        var server: FixtureProcess?
        var config: MCPServerConfig
        switch transport {
        case .stdio:
            config = .stdio("old", command: Repo.python1, args: [Repo.fixture("legacy_fixture.py")])
            config.timeout = .seconds(60)
        case .http:
            let process = try await FixtureProcess.start(Repo.python1, [Repo.fixture("legacy_fixture.py"), "--transport", "streamable-http"])
            server = process
            config = .http("old", url: process.url("/mcp"))
        }
        if let revision { config.protocolPreference = .only(revision) }
        let client = MCPClient(config: config, options: TestOptions.client())
        defer { server?.stopInBackground() }
        try await withPeer(client, stop: { await $0.close() }) { client in
            try await client.connect()
            try await body(client)
        }
    }

    static func text(_ result: CallTool.Result) -> String {
        result.content.compactMap { if case .text(let text, _, _) = $0 { text } else { nil } }.joined()
    }

    /// The probe is refused (stdio: -32602; HTTP: 400 with no modern error), so lmg falls back
    /// to `initialize` on the same process or endpoint and everything works as before.
    @Test(arguments: Transport.allCases)
    func anOlderServerGetsInitialize(_ transport: Transport) async throws {
        try await Self.withLegacyServer(transport) { client in
            #expect(client.era == .legacy)
            #expect(client.protocolVersion == "2025-11-25")
            #expect(try await Self.text(client.callTool("echo", arguments: ["text": .string("old")])) == "old")
            // Its own roots/list request is answered, as before.
            #expect(try await Self.text(client.callTool("ask_roots")).contains("working directory"))
            #expect(try await client.readResource("legacy://greeting").contents.isEmpty == false)
            _ = try await client.ping()
        }
    }

    /// `protocol_version: "2026-07-28"` refuses a server without it, naming the revision.
    @Test func aRequiredModernRevisionIsAnErrorOnAnOlderServer() async throws {
        let error = await #expect(throws: MCPClientError.self) {
            try await Self.withLegacyServer(.stdio, revision: "2026-07-28") { _ in }
        }
        #expect(error?.message.contains("does not speak MCP 2026-07-28") == true, "\(String(describing: error))")
    }

    /// `completion/complete` in both eras: a prompt argument's values and a template variable's.
    @Test(arguments: [String?.none, "2025-11-25"])
    func argumentsAndTemplateVariablesComplete(_ revision: String?) async throws {
        let config = fixtureEntry(revision)
        let client = MCPClient(config: config, options: TestOptions.client())
        try await withPeer(client, stop: { await $0.close() }) { client in
            try await client.connect()
            #expect(try await client.complete(.prompt("review_code"), argument: "language", value: "p") == ["perl", "php", "python"])
            #expect(try await client.complete(.resourceTemplate("fixture://items/{id}"), argument: "id", value: "1") == ["1", "12"])
            #expect(try await client.complete(.prompt("review_code"), argument: "code", value: "").isEmpty)
        }
    }

    /// A 2.3.0 server gets 2026-07-28 by default, and the older revision when the entry says so.
    @Test(arguments: [(String?.none, ProtocolEra.modern, "2026-07-28"), ("2025-06-18", .legacy, "2025-06-18")])
    func aDualEraServerGetsWhatTheEntryAsks(_ revision: String?, _ era: ProtocolEra, _ version: String) async throws {
        let config = fixtureEntry(revision)
        let client = MCPClient(config: config, options: TestOptions.client())
        try await withPeer(client, stop: { await $0.close() }) { client in
            try await client.connect()
            #expect(client.era == era)
            #expect(client.protocolVersion == version)
            #expect(try await Self.text(client.callTool("echo", arguments: ["text": .string("x")])) == "x")
        }
    }
}

/// Cached lists of a 2026-07-28 server, against the SDK's server: served while its
/// `subscriptions/listen` stream covers them, else for their `ttlMs` and no longer.
@Suite("MCP 2026-07-28: cached lists", .serialized)
struct ListCachingTests {
    static func withFixture(_ flags: [String], _ body: (MCPClient, () -> Int) async throws -> Void) async throws {
        let record = NSTemporaryDirectory() + "fixture-record-\(UUID().uuidString)"
        let config = fixtureEntry(nil, ["--record", record] + flags)
        let client = MCPClient(config: config, options: TestOptions.client())
        defer { try? FileManager.default.removeItem(atPath: record) }
        let listings = { ((try? String(contentsOfFile: record, encoding: .utf8)) ?? "").split(separator: "\n").filter { $0.hasPrefix("tools/list") }.count }
        try await withPeer(client, stop: { await $0.close() }) { client in
            try await client.connect()
            try await body(client, listings)
        }
    }

    @Test func aListTheStreamCoversIsServedUntilItChanges() async throws {
        try await Self.withFixture([]) { client, listings in
            _ = try await client.listTools()
            // The acknowledgement of the stream comes on its own; until then a ttl of 0 means ask.
            var served = false
            for _ in 0..<100 where !served {
                let before = listings()
                _ = try await client.listTools()
                served = listings() == before
                if !served { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(served, "never served from the cache: \(listings()) listings")
            let before = listings()
            for _ in 0..<5 { _ = try await client.listTools() }
            #expect(listings() == before)
        }
    }

    @Test func withoutAStreamTheTimeToLiveDecides() async throws {
        try await Self.withFixture(["--no-list-changed", "--tools-ttl", "1500"]) { client, listings in
            _ = try await client.listTools()
            _ = try await client.listTools()
            #expect(listings() == 1)
            try await Task.sleep(for: .milliseconds(1700))
            _ = try await client.listTools()
            #expect(listings() == 2)
        }
        try await Self.withFixture(["--no-list-changed"]) { client, listings in
            // ttlMs 0 (the SDK's default): every listing asks.
            for _ in 0..<3 { _ = try await client.listTools() }
            #expect(listings() == 3)
        }
    }

    /// Each page lives for its own `ttlMs`: when the short-lived last page runs out, only it is
    /// asked again; an explicit refresh asks for every page.
    @Test func onlyThePagesWhoseTimeRanOutAreAskedAgain() async throws {
        let flags = ["--no-list-changed", "--many-tools", "5", "--page-size", "10", "--tools-ttl", "60000", "--last-page-ttl", "300"]
        try await Self.withFixture(flags) { client, listings in
            let count = try await client.listTools().count
            let pages = listings()
            #expect(pages == (count + 9) / 10 && pages > 1, "\(count) tools in \(pages) pages")
            _ = try await client.listTools()
            #expect(listings() == pages, "every page still fresh")
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await client.listTools().count == count)
            #expect(listings() == pages + 1, "only the last page again")
            _ = try await client.listTools(refresh: true)
            #expect(listings() == 2 * pages + 1, "a refresh asks for every page")
        }
    }
}

/// A server's log messages land in its `<name>.log`, at the level its entry asks for
/// (`log_level`: the request's `_meta` in 2026-07-28, `logging/setLevel` before).
@Suite("Server log messages")
struct ServerLogTests {
    @Test(arguments: [String?.none, "2025-11-25"])
    func messagesAtTheEntrysLevelReachTheLogFile(_ revision: String?) async throws {
        let directory = NSTemporaryDirectory() + "lmg-logs-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var config = fixtureEntry(revision)
        config.logLevel = "warning"
        let client = MCPClient(config: config, options: MCPClientOptions(logDirectory: directory))
        try await withPeer(client, stop: { await $0.close() }) { client in
            try await client.connect()
            _ = try await client.callTool("log", arguments: ["message": .string("hello"), "levels": .array([.string("debug"), .string("error")])])
            let path = directory + "/fx.log"
            var text = ""
            for _ in 0..<100 where !text.contains("[error]") {
                text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
                if !text.contains("[error]") { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(text.contains("[error] fixture: hello"), "\(text)")
            #expect(!text.contains("[debug]"), "below the entry's level: \(text)")
        }
    }
}

/// A resource asked about is announced when it changes, in both eras: `resources/subscribe`
/// before 2026-07-28, the listen stream's `resourceSubscriptions` since.
@Suite("Resource subscriptions")
struct ResourceSubscriptionTests {
    @Test(arguments: [String?.none, "2025-11-25"])
    func aSubscribedResourceIsAnnounced(_ revision: String?) async throws {
        let config = fixtureEntry(revision)
        let manager = MCPManager(options: TestOptions.client())
        await manager.addServers([config])
        let updates = manager.resourceUpdates()
        do {
            _ = try await manager.listResources(server: "fx")
            #expect(try await manager.subscribe(server: "fx", resource: "fixture://greeting"))
            let seen = Locked<MCPResourceUpdate?>(nil)
            let watcher = Task {
                for await update in updates {
                    seen.withLock { $0 = update }
                    break
                }
            }
            // In 2026-07-28 the listen stream is opened again with the URI: touch until the news comes.
            for _ in 0..<50 where seen.withLock({ $0 }) == nil {
                _ = try await manager.callTool(server: "fx", tool: "touch_resource", arguments: ["uri": .string("fixture://greeting")])
                try await Task.sleep(for: .milliseconds(100))
            }
            watcher.cancel()
            #expect(seen.withLock { $0 } == MCPResourceUpdate(server: "fx", uri: "fixture://greeting"))
        } catch {
            await manager.shutdown()
            throw error
        }
        await manager.shutdown()
    }

}
