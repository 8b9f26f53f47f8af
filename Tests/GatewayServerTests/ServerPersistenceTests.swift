import Foundation
import GatewayRuntime
import MCPGateway
import TestSupport
import Testing
@testable import GatewayServer

/// Servers added over HTTP are written through to the store before the manager changes, and
/// come back from it at start under today's rules. In process, with the in-memory store; every
/// server here is disabled, so nothing starts and no name is resolved for real.
@Suite("Gateway API: servers kept in the store")
struct ServerPersistenceTests {
    static let resolver = ServerChangesTests.StandInResolver(table: ["127.0.0.1": ["127.0.0.1"], "metadata.test": ["169.254.169.254"]])

    static func api(_ server: String = #"{"allow_stdio_servers": true}"#, store: MemoryServerStore) throws -> GatewayAPI {
        let json = #"{"server": \#(server), "mcpServers": {"filed": {"command": "true", "enabled": false}}}"#
        let config = try ConfigLoader(environment: [:]).parse(Data(json.utf8), file: "s.json", path: "s.json")
        return GatewayAPI(runtime: GatewayRuntime(config: config, environment: RuntimeEnvironment([:])), resolver: resolver, store: store)
    }

    static func send(_ api: GatewayAPI, _ method: String, _ path: String, _ body: String = "") async -> (status: Int, text: String) {
        await ServerChangesTests.send(api, method, path, body)
    }

    static func stored(_ store: MemoryServerStore) async throws -> [String: String] {
        Dictionary(uniqueKeysWithValues: try await store.load().map { ($0.name, String(decoding: $0.json, as: UTF8.self)) })
    }

    @Test func addReplaceAndRemoveWriteThrough() async throws {
        let store = MemoryServerStore()
        let api = try Self.api(store: store)
        let added = await Self.send(api, "POST", "/mcp/servers", #"{"name": "t", "command": "true", "env": {"TOKEN": "env-s3cret"}, "enabled": false}"#)
        #expect(added.status == 201, "\(added.text)")
        #expect(try await Self.stored(store) == ["t": #"{"command":"true","enabled":false,"env":{"TOKEN":"env-s3cret"},"name":"t"}"#])
        let replaced = await Self.send(api, "PUT", "/mcp/servers/t", #"{"command": "false", "enabled": false}"#)
        #expect(replaced.status == 200, "\(replaced.text)")
        #expect(try await Self.stored(store)["t"] == #"{"command":"false","enabled":false,"name":"t"}"#, "the path's name is kept with the entry")
        let listed = await Self.send(api, "GET", "/mcp/servers")
        #expect(!added.text.contains("env-s3cret") && !listed.text.contains("env-s3cret"), "no answer shows a stored secret")
        #expect(await Self.send(api, "DELETE", "/mcp/servers/t").status == 204)
        #expect(try await Self.stored(store).isEmpty)
        // Refused entries reach neither the store nor the manager.
        #expect(await Self.send(api, "POST", "/mcp/servers", #"{"name": "m", "url": "http://metadata.test/mcp"}"#).status == 403)
        #expect(try await Self.stored(store).isEmpty)
    }

    @Test func aStoreThatFailsIsA503AndChangesNothing() async throws {
        let store = MemoryServerStore()
        let api = try Self.api(store: store)
        #expect(await Self.send(api, "POST", "/mcp/servers", #"{"name": "kept", "command": "true", "enabled": false}"#).status == 201)
        await store.failWrites("disk I/O error")

        let add = await Self.send(api, "POST", "/mcp/servers", #"{"name": "new", "command": "true", "enabled": false}"#)
        #expect(add.status == 503 && add.text.contains("server store memory: disk I/O error; nothing was changed"), "\(add.text)")
        #expect(add.text.contains(#""code":"store_unavailable""#))
        #expect(await !api.runtime.manager.serverNames.contains("new"))
        #expect(await Self.send(api, "POST", "/mcp/servers", #"{"name": "new", "command": "true", "enabled": false}"#).status == 503, "not a 409: it was never added")

        #expect(await Self.send(api, "PUT", "/mcp/servers/kept", #"{"command": "false", "enabled": false}"#).status == 503)
        #expect(await api.registry.configs.first { $0.name == "kept" }?.command == "true", "the old entry stays")
        #expect(await Self.send(api, "DELETE", "/mcp/servers/kept").status == 503)
        #expect(await api.runtime.manager.serverNames.contains("kept"))

        await store.failWrites(nil)
        #expect(await Self.send(api, "DELETE", "/mcp/servers/kept").status == 204, "the server is still the registry's to remove")
    }

    @Test func storedServersComeBackUnderTodaysRules() async throws {
        let store = MemoryServerStore([
            StoredServer(name: "back", json: Data(#"{"name":"back","command":"true","enabled":false,"env":{"K":"env-s3cret"}}"#.utf8)),
            StoredServer(name: "filed", json: Data(#"{"name":"filed","url":"http://127.0.0.1:9/mcp","oauth2_client_secret":"shh-1","enabled":false}"#.utf8)),
            StoredServer(name: "broken", json: Data("[1,".utf8)),
            StoredServer(name: "bad-field", json: Data(#"{"name":"bad-field","command":"true","timeout":-1,"headers":{"Authorization":"Bearer tok-2"}}"#.utf8)),
            StoredServer(name: "meta", json: Data(#"{"name":"meta","url":"http://metadata.test/mcp","enabled":false}"#.utf8)),
            StoredServer(name: "offline", json: Data(#"{"name":"offline","url":"http://unresolvable.test/mcp","enabled":false}"#.utf8)),
        ])
        let api = try Self.api(store: store)
        let warnings = try await api.restoreStoredServers()
        #expect(warnings.count == 4, "\(warnings)")
        #expect(warnings.contains("server store memory: stored server 'filed' is skipped: the config file s.json defines a server 'filed' too, and the file wins (rename or remove one of them)"))
        #expect(warnings.contains("server store memory: stored server 'broken' is skipped: its entry is not a JSON object"))
        #expect(warnings.contains { $0.hasPrefix("server store memory: stored server 'bad-field' is skipped: stored entry: server 'bad-field', field 'timeout'") })
        #expect(warnings.contains { $0.hasPrefix("server store memory: stored server 'meta' is skipped: host 'metadata.test' resolves to 169.254.169.254") })
        #expect(!warnings.joined().contains("s3cret") && !warnings.joined().contains("shh-1") && !warnings.joined().contains("tok-2"))
        let names = await api.runtime.manager.serverNames
        #expect(names.contains("back") && names.contains("offline") && !names.contains("meta") && !names.contains("bad-field"))
        #expect(await Self.send(api, "DELETE", "/mcp/servers/back").status == 204, "a restored server is one added over HTTP")
        #expect(try await Self.stored(store).keys.sorted() == ["bad-field", "broken", "filed", "meta", "offline"], "skipped entries stay stored")
        #expect(await Self.send(api, "DELETE", "/mcp/servers/meta").status == 204, "a skipped entry can be removed")
        #expect(await Self.send(api, "DELETE", "/mcp/servers/filed").status == 409, "a config-file name stays the file's")
        #expect(try await Self.stored(store).keys.sorted() == ["bad-field", "broken", "filed", "offline"])
        #expect(await Self.send(api, "PUT", "/mcp/servers/broken", #"{"command": "true", "enabled": false}"#).status == 404)
    }

    @Test func stdioEntriesStayOutOnceStdioIsNoLongerAllowed() async throws {
        let store = MemoryServerStore([StoredServer(name: "sh", json: Data(#"{"name":"sh","command":"sh","enabled":false}"#.utf8))])
        let api = try Self.api("{}", store: store)
        let warnings = try await api.restoreStoredServers()
        #expect(warnings.count == 1 && warnings[0].contains("'sh' is skipped") && warnings[0].contains("server.allow_stdio_servers"), "\(warnings)")
        #expect(await !api.runtime.manager.serverNames.contains("sh"))
    }

    @Test func oneChangeAtATimeForOneName() async throws {
        let api = try Self.api(store: MemoryServerStore())
        #expect(await api.registry.claim("x"), "as a request waiting on the store would")
        let second = await Self.send(api, "POST", "/mcp/servers", #"{"name": "x", "command": "true", "enabled": false}"#)
        #expect(second.status == 409 && second.text.contains("being changed by another request"), "\(second.text)")
        #expect(await Self.send(api, "POST", "/mcp/servers", #"{"name": "y", "command": "true", "enabled": false}"#).status == 201)
        await api.registry.release("x")
        #expect(await Self.send(api, "POST", "/mcp/servers", #"{"name": "x", "command": "true", "enabled": false}"#).status == 201)
    }
}
