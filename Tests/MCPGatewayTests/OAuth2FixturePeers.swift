import CurlHTTP
import Foundation
import MCP
@testable import MCPGateway
import TestSupport
import Testing

extension OAuth2FixtureTests {
    /// The Authlib authorization server and the protected MCP server, started together.
    struct Peers: Sendable {
        let auth: FixtureProcess
        let mcp: FixtureProcess
        var tokenURL: String { auth.url("/token") }
        var mcpURL: String { mcp.url("/mcp") }

        static func start(lifetime: Int = 3600, clients: [String] = ["files:\(OAuth2FixtureTests.secret)"], mcpFlags: [String] = []) async throws -> Peers {
            let (auth, mcp) = try await FixtureProcess.oauthPeers(
                auth: ["--lifetime", "\(lifetime)"] + clients.flatMap { ["--client", $0] }, mcp: mcpFlags)
            return Peers(auth: auth, mcp: mcp)
        }

        func stop() {
            mcp.stop()
            auth.stop()
        }

        /// The authorization server's counters.
        func stats() async throws -> [String: Any] {
            try await Self.json(auth.url("/stats"))
        }

        func tokenRequests() async throws -> Int { try await stats()["token_requests"] as? Int ?? -1 }

        func byGrant(_ grant: String) async throws -> Int {
            (try await stats()["by_grant"] as? [String: Any])?[grant] as? Int ?? 0
        }

        static func json(_ url: String, method: String = "GET", headers: HTTPHeaders = [:], body: String? = nil) async throws -> [String: Any] {
            let http = HTTPClient.shared
            let response = try await http.execute(CurlHTTP.HTTPRequest(method: method, url: url, headers: headers, body: body.map { Data($0.utf8) }))
            let data = try await response.body.collect(upTo: 1 << 20)
            return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(url): \(String(decoding: data, as: UTF8.self))")
        }

        func config(name: String = "files", client: String = "files", secret: String = OAuth2FixtureTests.secret, tokenURL: Bool = true) -> MCPServerConfig {
            var config = MCPServerConfig.http(name, url: mcpURL)
            config.oauth2ClientID = client
            config.oauth2ClientSecret = secret
            config.oauth2TokenURL = tokenURL ? self.tokenURL : nil
            config.oauth2Scopes = ["tools:read", "tools:call"]
            return config
        }
    }
}
