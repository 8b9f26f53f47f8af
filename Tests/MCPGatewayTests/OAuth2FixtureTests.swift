import CurlHTTP
import Foundation
import MCP
@testable import MCPGateway
import TestSupport
import Testing

/// OAuth2 end to end: a real Authlib authorization server (Tests/Fixtures/oauth_server.py) and an
/// MCP server from the official SDK that checks every token by introspection (protected_mcp.py).
@Suite("OAuth2: against a real authorization server", .serialized)
struct OAuth2FixtureTests {
    static let secret = "s3cret-Zq81-never-printed"

    /// The two fixtures of one test; `stop()` ends both.
    static func connect(_ config: MCPServerConfig, manager: OAuth2TokenManager) async throws -> MCPClient {
        var options = TestOptions.client()
        options.tokenManager = manager
        let client = MCPClient(config: config, options: options)
        try await client.connect()
        return client
    }

    static func text(_ result: CallTool.Result) -> String {
        result.content.compactMap { if case .text(let text, _, _) = $0 { text } else { nil } }.joined()
    }

    @Test func callsSpanningSeveralTokenLifetimesAllSucceed() async throws {
        let peers = try await Peers.start(lifetime: 2)
        defer { peers.stop() }
        let manager = OAuth2TokenManager()
        let client = try await Self.connect(peers.config(), manager: manager)
        let start = ContinuousClock.now
        var calls = 0
        while ContinuousClock.now - start < .milliseconds(5200) {
            let result = try await client.callTool("whoami")
            #expect(result.isError != true)
            #expect(Self.text(result).hasPrefix("files scopes=tools:read tools:call"), "\(Self.text(result))")
            calls += 1
            try await Task.sleep(for: .milliseconds(150))
        }
        await client.close()
        let stats = try await peers.stats()
        let requests = stats["token_requests"] as? Int ?? 0
        // ~5.2 s of 2 s tokens renewed at 1.8 s: three or four tokens, not one per call. On a
        // loaded machine a call can take seconds and span a lifetime alone, so two is the floor:
        // the first token and at least one renewal by refresh.
        #expect((2...6).contains(requests), "\(stats)")
        #expect(calls > requests, "\(calls) calls, \(requests) token requests")
        #expect((stats["by_grant"] as? [String: Any])?["refresh_token"] as? Int ?? 0 >= 1, "\(stats)")
        #expect((stats["errors"] as? [String: Any])?.isEmpty == true, "\(stats)")
        #expect((stats["resources"] as? [String])?.allSatisfy { $0 == peers.mcpURL } == true, "RFC 8707 resource: \(stats)")
    }

    @Test func aRevokedTokenTriggersOneRefreshAndTheCallSucceeds() async throws {
        let peers = try await Peers.start()
        defer { peers.stop() }
        let manager = OAuth2TokenManager()
        let config = peers.config()
        let client = try await Self.connect(config, manager: manager)
        #expect(try await client.callTool("echo", arguments: ["text": "one"]).isError != true)
        let before = try await peers.tokenRequests()
        #expect(before == 1)

        // RFC 7009: the client revokes its own (cached) access token at the authorization server.
        let credentials = try #require(await manager.credentials(for: config))
        let token = try await manager.accessToken(for: credentials)
        #expect(try await peers.tokenRequests() == before, "the cached token must be reused")
        var headers: HTTPHeaders = ["Content-Type": "application/x-www-form-urlencoded"]
        headers.add(name: "Authorization", value: "Basic " + Data("files:\(Self.secret)".utf8).base64EncodedString())
        _ = try await Peers.json(peers.auth.url("/revoke"), method: "POST", headers: headers, body: "token=\(token)&token_type_hint=access_token")
        #expect(try await peers.stats()["revocations"] as? Int == 1)

        let result = try await client.callTool("echo", arguments: ["text": "two"])
        #expect(Self.text(result) == "two")
        #expect(try await peers.tokenRequests() == before + 1, "exactly one refresh")
        #expect(try await peers.byGrant("refresh_token") == 1)
        #expect(try await manager.accessToken(for: credentials) != token)
        await client.close()
    }

    @Test func aRevokedRefreshTokenFallsBackToClientCredentials() async throws {
        let peers = try await Peers.start()
        defer { peers.stop() }
        let manager = OAuth2TokenManager()
        let client = try await Self.connect(peers.config(), manager: manager)
        // RFC 7009 with token_type_hint=refresh_token: the refresh token dies, the access token lives.
        let issued = try await Peers.json(peers.auth.url("/admin/tokens"))
        let refreshTokens = try #require(issued["refresh_tokens"] as? [String])
        #expect(refreshTokens.count == 1)
        var headers: HTTPHeaders = ["Content-Type": "application/x-www-form-urlencoded"]
        headers.add(name: "Authorization", value: "Basic " + Data("files:\(Self.secret)".utf8).base64EncodedString())
        for token in refreshTokens {
            _ = try await Peers.json(peers.auth.url("/revoke"), method: "POST", headers: headers, body: "token=\(token)&token_type_hint=refresh_token")
        }
        let failures = await manager.refreshAll()
        #expect(failures.isEmpty, "\(failures)")
        let stats = try await peers.stats()
        #expect((stats["by_grant"] as? [String: Any])?["refresh_token"] as? Int == 1, "\(stats)")
        #expect((stats["by_grant"] as? [String: Any])?["client_credentials"] as? Int == 2, "\(stats)")
        #expect((stats["errors"] as? [String: Any])?["invalid_grant"] as? Int == 1, "\(stats)")
        #expect(Self.text(try await client.callTool("echo", arguments: ["text": "still"])) == "still")
        #expect(try await peers.tokenRequests() == 3)
        await client.close()
    }

    @Test func aWrongSecretFailsWithTheOAuthErrorNamedAndNoSecret() async throws {
        let peers = try await Peers.start()
        defer { peers.stop() }
        let wrong = "wrong-Secret-4711"
        do {
            let client = try await Self.connect(peers.config(secret: wrong), manager: OAuth2TokenManager())
            await client.close()
            Issue.record("connect succeeded with a wrong secret")
        } catch {
            let text = "\(error)"
            #expect(text.contains("server 'files'"), "\(text)")
            #expect(text.contains("token request to \(peers.tokenURL) failed: invalid_client"), "\(text)")
            #expect(!text.contains(wrong), "\(text)")
            #expect(!text.contains("\n"))
            let clientError = try #require(error as? MCPClientError)
            #expect(clientError.kind == .transport(.unauthorized))
        }
        #expect((try await peers.stats()["errors"] as? [String: Any])?["invalid_client"] as? Int == 1)
    }

    @Test func concurrentCallsAtExpiryCauseExactlyOneTokenRequest() async throws {
        let peers = try await Peers.start(lifetime: 2)
        defer { peers.stop() }
        let client = try await Self.connect(peers.config(), manager: OAuth2TokenManager())
        #expect(try await peers.tokenRequests() == 1)
        try await Task.sleep(for: .milliseconds(2100))
        let texts = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<20 {
                group.addTask { Self.text(try await client.callTool("echo", arguments: ["text": .string("call \(index)")])) }
            }
            var texts: [String] = []
            for try await text in group { texts.append(text) }
            return texts
        }
        await client.close()
        #expect(Set(texts) == Set((0..<20).map { "call \($0)" }))
        let stats = try await peers.stats()
        #expect(stats["token_requests"] as? Int == 2, "\(stats)")
    }

    @Test(arguments: [false, true])
    func discoveryFromA401Alone(plainChallenge: Bool) async throws {
        let peers = try await Peers.start(mcpFlags: plainChallenge ? ["--plain-challenge"] : [])
        defer { peers.stop() }
        let manager = OAuth2TokenManager()
        let config = peers.config(tokenURL: false)
        let client = try await Self.connect(config, manager: manager)
        #expect(Self.text(try await client.callTool("whoami")).hasPrefix("files "))
        await client.close()
        #expect(await manager.discoveredTokenEndpoint(for: peers.mcpURL) == peers.tokenURL)
        #expect(try await peers.tokenRequests() == 1)
        // A second connection knows the endpoint and its token: no new request.
        let again = try await Self.connect(config, manager: manager)
        #expect(Self.text(try await again.callTool("echo", arguments: ["text": "x"])) == "x")
        await again.close()
        #expect(try await peers.tokenRequests() == 1)
    }

    @Test func discoveryFailureIsOneLineNamingTheServer() async throws {
        // An MCP server that needs no auth never answers 401; one whose metadata is missing does:
        // the 401 points at an auth server that is not there.
        let peers = try await Peers.start()
        let config = peers.config(tokenURL: false)
        peers.auth.stop()
        defer { peers.stop() }
        do {
            let client = try await Self.connect(config, manager: OAuth2TokenManager())
            await client.close()
            Issue.record("connect succeeded without an authorization server")
        } catch {
            let text = "\(error)"
            #expect(text.hasPrefix("server 'files': "), "\(text)")
            #expect(text.contains("OAuth discovery found no authorization server metadata"), "\(text)")
            #expect(!text.contains(Self.secret))
        }
    }

    @Test func clientSecretPostWorksAndBasicIsRefusedForAPostOnlyClient() async throws {
        let peers = try await Peers.start(clients: ["poster:\(Self.secret):client_secret_post"])
        defer { peers.stop() }
        var config = peers.config(client: "poster")
        config.oauth2AuthMethod = .clientSecretPost
        let client = try await Self.connect(config, manager: OAuth2TokenManager())
        #expect(Self.text(try await client.callTool("whoami")).hasPrefix("poster "))
        await client.close()
        let methods = try #require(try await peers.stats()["by_auth_method"] as? [String: Any])
        #expect(methods["client_secret_post"] as? Int == 1 && methods["client_secret_basic"] == nil, "\(methods)")

        config.oauth2AuthMethod = .clientSecretBasic
        await #expect(throws: MCPClientError.self) { try await Self.connect(config, manager: OAuth2TokenManager()) }
    }

    @Test func environmentConventionFillsTheCredentials() async throws {
        let peers = try await Peers.start(clients: ["env-client:\(Self.secret)"])
        defer { peers.stop() }
        let json = #"{"mcpServers": {"file_service": {"url": "\#(peers.mcpURL)", "oauth2_token_url": "\#(peers.tokenURL)"}}}"#
        var fields = ConfigFields(file: "env.json", environment: ["FILE_SERVICE_CLIENT_ID": "env-client", "FILE_SERVICE_CLIENT_SECRET": Self.secret])
        let root = try JSONDecoder().decode(Value.self, from: Data(json.utf8))
        let config = try #require(try fields.readServers(root.objectValue?["mcpServers"]).first { $0.name == "file_service" })
        let client = try await Self.connect(config, manager: OAuth2TokenManager())
        #expect(Self.text(try await client.callTool("whoami")).hasPrefix("env-client "))
        await client.close()
    }

    @Test func refreshAllRenewsAndExpiryIsReported() async throws {
        let peers = try await Peers.start(lifetime: 600)
        defer { peers.stop() }
        let manager = OAuth2TokenManager()
        let config = peers.config()
        #expect(await manager.expiry(for: config) == nil)
        let client = try await Self.connect(config, manager: manager)
        let first = try #require(await manager.expiry(for: config))
        #expect(first > Date().addingTimeInterval(590) && first < Date().addingTimeInterval(601))
        try await Task.sleep(for: .milliseconds(1100))
        let failures = await manager.refreshAll()
        #expect(failures.isEmpty)
        #expect(try await peers.tokenRequests() == 2)
        let second = try #require(await manager.expiry(for: config))
        #expect(second > first)
        #expect(Self.text(try await client.callTool("echo", arguments: ["text": "after"])) == "after")
        #expect(try await peers.tokenRequests() == 2)
        // A forced refresh and callers at the same moment share one request.
        let credentials = try #require(await manager.credentials(for: config))
        async let forced = manager.refreshAll()
        async let calls = withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<10 {
                group.addTask { Self.text(try await client.callTool("echo", arguments: ["text": .string("c\(index)")])) }
            }
            group.addTask { try await manager.accessToken(for: credentials) }
            var count = 0
            for try await _ in group { count += 1 }
            return count
        }
        #expect(await forced.isEmpty)
        #expect(try await calls == 11)
        #expect(try await peers.tokenRequests() == 3)
        #expect(await manager.tokenRequestCount == 3)
        await client.close()
    }

    @Test func theManagerShowsTokenExpiryRefreshesOnRequestAndSpendsNoTokenPerCall() async throws {
        let peers = try await Peers.start(lifetime: 600)
        defer { peers.stop() }
        var options = TestOptions.client()
        options.tokenManager = OAuth2TokenManager()
        let manager = MCPManager(options: options)
        await manager.addServers([peers.config()])
        let before = try await peers.tokenRequests()
        #expect(before == 1, "one token for the connection")
        for i in 0..<50 {
            let result = try await manager.callTool(qualifiedName: "files__echo", arguments: ["text": "\(i)"])
            #expect(Self.text(result) == "\(i)")
        }
        #expect(try await peers.tokenRequests() == before, "no token request per call")

        let status = try #require(await manager.status().first)
        let expiry = try #require(status.tokenExpiresAt)
        #expect(expiry.timeIntervalSinceNow > 500 && expiry.timeIntervalSinceNow <= 600)
        let encoded = String(decoding: try JSONEncoder().encode(status), as: UTF8.self)
        #expect(!encoded.contains(Self.secret))

        #expect(await manager.refreshTokens().isEmpty)
        #expect(try await peers.tokenRequests() == before + 1)
        #expect(try await manager.status().first?.tokenExpiresAt.map { $0 > expiry } == true)
        #expect(Self.text(try await manager.callTool(server: "files", tool: "echo", arguments: ["text": "after"])) == "after")
        await manager.shutdown()
    }
}
