import CurlHTTP
import Foundation
import GatewayRuntime
import MCPGateway
import TestSupport
import Testing
@testable import GatewayServer

/// The PostgreSQL store against a real PostgreSQL (a cluster of the test's own on loopback):
/// the store itself, two gateways on one database applying each other's changes, and the
/// database going away and coming back. Entries are disabled, so no server starts.
@Suite("Gateway API: servers shared in PostgreSQL", .serialized)
struct PostgresStoreTests {
    static func withDatabase(_ body: (PostgresServer) async throws -> Void) async throws {
        let database = try await PostgresServer.start()
        try await withPeer(database, stop: { await $0.remove() }) { try await body($0) }
    }

    static func open(_ url: String, environment: [String: String] = [:]) async throws -> PostgresServerStore {
        try await PostgresServerStore.open(try PostgresStoreURL(parsing: url), environment: environment, timeout: .seconds(2))
    }

    static func api(_ store: PostgresServerStore) throws -> GatewayAPI {
        let json = #"{"server": {"allow_stdio_servers": true}, "mcpServers": {"filed": {"command": "true", "enabled": false}}}"#
        let config = try ConfigLoader(environment: [:]).parse(Data(json.utf8), file: "pg.json", path: "pg.json")
        return GatewayAPI(runtime: GatewayRuntime(config: config, environment: RuntimeEnvironment([:])), resolver: ServerPersistenceTests.resolver, store: store)
    }

    /// Polls `condition` every 20 ms for up to `limit`; whether it came true.
    static func eventually(within limit: Duration = .seconds(15), _ condition: () async -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return await condition()
    }

    @Test func theStoreKeepsEntriesAndNeverShowsItsPassword() async throws {
        try await Self.withDatabase { database in
            let store = try await Self.open(database.url)
            try await store.save(StoredServer(name: "b", json: Data(#"{"command":"true"}"#.utf8)))
            try await store.save(StoredServer(name: "a", json: Data(#"{"command":"x"}"#.utf8)))
            try await store.save(StoredServer(name: "a", json: Data(#"{"command":"y"}"#.utf8)))
            #expect(try await store.load().map { "\($0.name)=\(String(decoding: $0.json, as: UTF8.self))" } == [#"a={"command":"y"}"#, #"b={"command":"true"}"#])
            try await store.delete(name: "b")
            try await store.delete(name: "never-there")
            #expect(!store.location.contains(database.password) && store.availability == .available, "\(store.location)")
            await store.close()
            // Opened again (the schema is there), the password from PGPASSWORD as libpq takes it.
            let again = try await Self.open(database.urlWithoutPassword, environment: ["PGPASSWORD": database.password])
            #expect(try await again.load().map(\.name) == ["a"])
            await again.close()
            let wrong = "not-the-password-31"
            let refused = await #expect(throws: ServerStoreError.self) {
                _ = try await Self.open(database.urlWithoutPassword, environment: ["PGPASSWORD": wrong])
            }
            #expect(refused?.reason.contains("password authentication failed") == true, "\(String(describing: refused))")
            #expect(refused.map { !"\($0)".contains(wrong) && !"\($0)".contains(database.password) } == true)
        }
    }

    @Test func replicasOnOneDatabaseApplyEachOthersChanges() async throws {
        try await Self.withDatabase { database in
            let (storeA, storeB) = (try await Self.open(database.url), try await Self.open(database.url))
            let (a, b) = (try Self.api(storeA), try Self.api(storeB))
            let following = Task { await b.followStore(every: .seconds(60)) { _ in } }
            defer { following.cancel() }
            let added = await ServerPersistenceTests.send(a, "POST", "/mcp/servers", #"{"name": "shared", "command": "true", "enabled": false}"#)
            #expect(added.status == 201, "\(added.text)")
            #expect(await Self.eventually { await b.registry.contains("shared") }, "B applies A's add (LISTEN/NOTIFY, not the 60 s reconcile)")
            #expect(await b.runtime.manager.serverNames.contains("shared"))
            #expect(await ServerPersistenceTests.send(b, "GET", "/mcp/servers").text.contains(#""shared""#))

            #expect(await ServerPersistenceTests.send(a, "PUT", "/mcp/servers/shared", #"{"command": "false", "enabled": false}"#).status == 200)
            #expect(await Self.eventually { await b.registry.configs.first { $0.name == "shared" }?.command == "false" }, "B applies A's replace")
            // A change through B reaches A's store too, and A (not following) sees it on its next sync.
            #expect(await ServerPersistenceTests.send(b, "DELETE", "/mcp/servers/shared").status == 204)
            _ = await a.syncWithStore()
            #expect(await !a.registry.contains("shared"))
            #expect(await !a.runtime.manager.serverNames.contains("shared"))
            // An entry this replica may not run is left out, said once (A: no follower syncs meanwhile).
            try await storeB.save(StoredServer(name: "meta", json: Data(#"{"url": "http://metadata.test/mcp"}"#.utf8)))
            let warnings = await a.syncWithStore() + a.syncWithStore()
            #expect(warnings.count == 1 && warnings.first?.contains("stored server 'meta' is skipped") == true, "\(warnings)")
            await storeA.close()
            await storeB.close()
        }
    }

    @Test func withTheDatabaseAwayAReplicaServesWhatItHasAndIsNotReady() async throws {
        try await Self.withDatabase { database in
            let (storeA, storeB) = (try await Self.open(database.url), try await Self.open(database.url))
            let (a, b) = (try Self.api(storeA), try Self.api(storeB))
            let following = Task { await b.followStore(every: .seconds(60)) { _ in } }
            defer { following.cancel() }
            #expect(await ServerPersistenceTests.send(a, "POST", "/mcp/servers", #"{"name": "kept", "command": "true", "enabled": false}"#).status == 201)
            #expect(await Self.eventually { await b.registry.contains("kept") })
            #expect(await ServerPersistenceTests.send(b, "GET", "/readyz").status == 200)

            try await database.stop()
            #expect(await Self.eventually { await ServerPersistenceTests.send(b, "GET", "/readyz").status == 503 }, "not ready while the database is away")
            let ready = await ServerPersistenceTests.send(b, "GET", "/readyz")
            #expect(ready.text.contains("unavailable: cannot reach the database") && !ready.text.contains(database.password), "\(ready.text)")
            #expect(await ServerPersistenceTests.send(b, "GET", "/mcp/servers").text.contains(#""kept""#), "what it has, it still serves")
            let refused = await ServerPersistenceTests.send(a, "POST", "/mcp/servers", #"{"name": "later", "command": "true", "enabled": false}"#)
            #expect(refused.status == 503 && refused.text.contains("nothing was changed"), "\(refused.text)")

            try await database.start()
            #expect(await Self.eventually(within: .seconds(30)) { await ServerPersistenceTests.send(b, "GET", "/readyz").status == 200 }, "ready again")
            #expect(await ServerPersistenceTests.send(a, "POST", "/mcp/servers", #"{"name": "later", "command": "true", "enabled": false}"#).status == 201)
            #expect(await Self.eventually { await b.registry.contains("later") }, "and following again")
            await storeA.close()
            await storeB.close()
        }
    }

    /// Two `lmg serve` processes on one database: a server added through one is called through the other.
    @Test func twoGatewayProcessesShareTheServersAddedToEither() async throws {
        try await Self.withDatabase { database in
            let config = #"{"server": {"store": "\#(database.urlWithoutPassword)", "allow_stdio_servers": true}, "mcpServers": {}}"#
            let environment = ["PGPASSWORD": database.password]
            let a = try await ServeProcess.start(config: config, environment: environment)
            try await withPeer(a, stop: { await $0.stop() }) { a in
                let b = try await ServeProcess.start(config: config, environment: environment)
                try await withPeer(b, stop: { await $0.stop() }) { b in
                    let entry = #"{"name": "shared", "command": "\#(Repo.lmgBinary)", "args": ["mcp-server"]}"#
                    let added = try await a.send("POST", "/mcp/servers", body: entry)
                    #expect(added.status == 201, "\(added.body)")
                    var called = (status: 0, headers: HTTPHeaders(), body: "")
                    let deadline = ContinuousClock.now + .seconds(20)
                    while ContinuousClock.now < deadline, called.status != 200 {
                        called = try await b.send("POST", "/mcp/tools/call", body: #"{"server_name": "shared", "tool_name": "echo", "arguments": {"text": "through b"}}"#)
                        if called.status != 200 { try await Task.sleep(for: .milliseconds(50)) }
                    }
                    #expect(called.status == 200 && called.body.contains("through b"), "\(called.body)")
                    #expect(try await b.send("GET", "/readyz").body.contains(#""store":"available""#))
                    #expect(!a.stderrText.contains(database.password) && !b.stderrText.contains(database.password))
                }
            }
        }
    }

    @Test func aDatabaseDownAtStartIsNoErrorAndTheSchemaComesWhenItIsBack() async throws {
        try await Self.withDatabase { database in
            try await database.stop()
            let store = try await Self.open(database.url)
            guard case .unavailable(let reason) = store.availability else {
                Issue.record("available with the database down")
                return
            }
            #expect(reason.hasPrefix("cannot reach the database"), "\(reason)")
            let api = try Self.api(store)
            let following = Task { await api.followStore(every: .seconds(60)) { _ in } }
            defer { following.cancel() }
            #expect(await ServerPersistenceTests.send(api, "GET", "/readyz").status == 503)
            try await database.start()
            #expect(await Self.eventually(within: .seconds(30)) { await ServerPersistenceTests.send(api, "GET", "/readyz").status == 200 })
            let added = await ServerPersistenceTests.send(api, "POST", "/mcp/servers", #"{"name": "late", "command": "true", "enabled": false}"#)
            #expect(added.status == 201, "the tables exist now: \(added.text)")
            await store.close()
        }
    }
}
