import Foundation
import GatewayRuntime
import MCPGateway
import TestSupport
import Testing
@testable import GatewayServer

/// Keys, roles, per-key servers and tools, and the rate limit: decided before any server is
/// asked, so all of it is tested without a port or a process.
@Suite("Gateway API: keys, roles, limits")
struct AccessTests {
    static func api(rateLimit: RateLimit? = nil) async throws -> GatewayAPI {
        let json = #"""
            {"server": {"api_keys": [
                {"key": "${ADMIN_KEY}", "name": "alice", "role": "admin"},
                {"key": "${USER_KEY}", "name": "bob", "servers": ["files"], "tools": ["read*"]},
                {"key": "${SCOPED_ADMIN_KEY}", "name": "carol", "role": "admin", "servers": ["files"]}]},
             "mcpServers": {"files": {"command": "true", "enabled": false}, "vault": {"url": "https://vault.example/mcp", "enabled": false}}}
            """#
        var config = try ConfigLoader(environment: ["ADMIN_KEY": "admin-secret-1", "USER_KEY": "user-secret-2", "SCOPED_ADMIN_KEY": "admin-secret-3"]).parse(Data(json.utf8), file: "keys.json")
        config.server.rateLimit = rateLimit
        let runtime = GatewayRuntime(config: config, environment: RuntimeEnvironment([:]))
        await runtime.manager.addServers(config.servers)
        return GatewayAPI(runtime: runtime)
    }

    static func get(_ path: String, key: String?) -> APIRequest {
        APIRequest(method: "GET", path: path, headers: key.map { ["Authorization": "Bearer \($0)"] } ?? [:])
    }

    @Test func noKeyOrAnUnknownKeyIs401WithAChallenge() async throws {
        let api = try await Self.api()
        let none = await api.handle(Self.get("/mcp/tools", key: nil))
        #expect(none.status == 401)
        #expect(none.headers["WWW-Authenticate"] == "Bearer")
        let wrong = await api.handle(Self.get("/mcp/tools", key: "admin-secret-X"))
        #expect(wrong.status == 401)
        #expect(await api.handle(Self.get("/healthz", key: nil)).status == 200, "probes need no key")
        #expect(await api.handle(Self.get("/mcp/tools", key: "admin-secret-1")).status == 200)
    }

    @Test func rolesAndServersLimitWhatAKeyDoes() async throws {
        let api = try await Self.api()
        let refreshAsUser = await api.handle(APIRequest(method: "POST", path: "/mcp/oauth/refresh", headers: ["Authorization": "Bearer user-secret-2"]))
        #expect(refreshAsUser.status == 403)
        #expect(refreshAsUser.keyName == "bob")
        let refreshAsAdmin = await api.handle(APIRequest(method: "POST", path: "/mcp/oauth/refresh", headers: ["Authorization": "Bearer admin-secret-1"]))
        #expect(refreshAsAdmin.status == 200)

        let listed = try JSONSerialization.jsonObject(with: await api.handle(Self.get("/mcp/servers", key: "user-secret-2")).body) as? [String: Any]
        #expect((listed?["servers"] as? [[String: Any]])?.map { $0["name"] as? String } == ["files"], "a key sees only its servers")
        let status = try JSONSerialization.jsonObject(with: await api.handle(Self.get("/mcp/servers/status", key: "user-secret-2")).body) as? [String: Any]
        #expect((status?["servers"] as? [[String: Any]])?.count == 1)
        let other = await api.handle(APIRequest(
            method: "POST", path: "/mcp/resources/read", headers: ["Authorization": "Bearer user-secret-2"],
            body: Data(#"{"server_name": "vault", "uri": "x://y"}"#.utf8)))
        #expect(other.status == 403)
        let body = String(decoding: other.body, as: UTF8.self)
        #expect(body.contains("key 'bob' may not use server 'vault'"))
        #expect(!body.contains("user-secret-2"))
    }

    /// An admin key limited by `servers` adds, replaces and removes only those.
    @Test func anAdminKeyLimitedToServersChangesOnlyThose() async throws {
        let api = try await Self.api()
        let headers = ["Authorization": "Bearer admin-secret-3"]
        let add = await api.handle(APIRequest(method: "POST", path: "/mcp/servers", headers: headers, body: Data(#"{"name": "other", "url": "http://127.0.0.1:9/mcp"}"#.utf8)))
        #expect(add.status == 403 && String(decoding: add.body, as: UTF8.self).contains("key 'carol' may not change server 'other'"), "\(add)")
        let remove = await api.handle(APIRequest(method: "DELETE", path: "/mcp/servers/vault", headers: headers))
        #expect(remove.status == 403, "\(remove)")
        let replace = await api.handle(APIRequest(method: "PUT", path: "/mcp/servers/vault", headers: headers, body: Data(#"{"url": "http://127.0.0.1:9/mcp"}"#.utf8)))
        #expect(replace.status == 403, "\(replace)")
    }

    @Test func toolGlobsMatchNamesOrQualifiedNames() {
        let bob = Caller(keyName: "bob", role: .user, servers: ["files"], tools: ["read*", "files__list_?"])
        #expect(bob.allows(server: "files", tool: "read_file", qualifiedName: "files__read_file"))
        #expect(bob.allows(server: "files", tool: "list_x", qualifiedName: "files__list_x"))
        #expect(!bob.allows(server: "files", tool: "list_xy", qualifiedName: "files__list_xy"))
        #expect(!bob.allows(server: "files", tool: "write_file", qualifiedName: "files__write_file"))
        #expect(!bob.allows(server: "vault", tool: "read_file", qualifiedName: "vault__read_file"), "servers limit tools too")
        #expect(Glob.matches("*", "") && Glob.matches("a*b*c", "aXbYc") && !Glob.matches("a*b", "aXc"))
    }

    @Test func keysCompareWholly() {
        #expect(Authenticator.constantTimeEquals(Array("abc".utf8), Array("abc".utf8)))
        #expect(!Authenticator.constantTimeEquals(Array("abc".utf8), Array("abd".utf8)))
        #expect(!Authenticator.constantTimeEquals(Array("abc".utf8), Array("abcd".utf8)))
        #expect(!Authenticator.constantTimeEquals(Array("".utf8), Array("a".utf8)))
    }

    @Test func aTokenBucketAllowsTheBurstThenWaits() {
        let start = ContinuousClock.now
        var bucket = TokenBucket(limit: RateLimit(perSecond: 2, burst: 3), now: start)
        #expect(bucket.take(now: start) == nil && bucket.take(now: start) == nil && bucket.take(now: start) == nil)
        let wait = bucket.take(now: start)
        #expect(wait == .milliseconds(500))
        #expect(bucket.take(now: start + .milliseconds(500)) == nil, "half a second refills one at 2/s")
    }

    @Test func aKeyOverItsRateIs429WithRetryAfter() async throws {
        let api = try await Self.api(rateLimit: RateLimit(perSecond: 0.01, burst: 2))
        for _ in 0..<2 { #expect(await api.handle(Self.get("/mcp/tools", key: "user-secret-2")).status == 200) }
        let limited = await api.handle(Self.get("/mcp/tools", key: "user-secret-2"))
        #expect(limited.status == 429)
        #expect(Int(limited.headers["Retry-After"] ?? "") ?? 0 >= 1)
        #expect(await api.handle(Self.get("/mcp/tools", key: "admin-secret-1")).status == 200, "each key has its own bucket")
    }

    @Test func keysAreReadFromTheConfigAndNeverPrint() throws {
        let config = try ConfigLoader(environment: ["K": "sk-gateway-9"]).parse(Data(#"""
            {"server": {"api_keys": [{"key": "${K}", "name": "ci"}], "rate_limit": {"requests_per_second": 5}}}
            """#.utf8), file: "k.json")
        #expect(config.server.apiKeys.map(\.name) == ["ci"])
        #expect(config.server.apiKeys.first?.role == .user)
        #expect(config.server.rateLimit == RateLimit(perSecond: 5, burst: 5))
        #expect(secretLeaks(of: config, secrets: ["sk-gateway-9"]).isEmpty)
        #expect(secretLeaks(of: config.server, secrets: ["sk-gateway-9"]).isEmpty)
        #expect(throws: ConfigError.self) {
            try ConfigLoader(environment: [:]).parse(Data(#"{"server": {"api_keys": [{"key": "", "name": "x"}]}}"#.utf8), file: "k.json")
        }
        #expect(throws: ConfigError.self) {
            try ConfigLoader(environment: [:]).parse(Data(#"{"server": {"api_keys": [{"key": "k", "role": "root"}]}}"#.utf8), file: "k.json")
        }
        // Two keys may not share a name: it stands for the key in rate limits, logs and /mcp sessions.
        do {
            _ = try ConfigLoader(environment: [:]).parse(Data(#"{"server": {"api_keys": [{"key": "a1", "name": "ci"}, {"key": "b2", "name": "ci"}]}}"#.utf8), file: "k.json")
            Issue.record("a duplicate name was accepted")
        } catch {
            #expect("\(error)".contains("server.api_keys[1].name") && "\(error)".contains("already server.api_keys[0]'s"), "\(error)")
            #expect(!"\(error)".contains("b2"))
        }
    }
}
