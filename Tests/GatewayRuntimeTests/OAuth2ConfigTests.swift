import Foundation
@testable import MCPGateway
import GatewayRuntime
import Testing

/// `oauth2_auth_method` and the seed design's NAME_CLIENT_ID / NAME_CLIENT_SECRET / NAME_TOKEN convention.
@Suite("OAuth2: configuration")
struct OAuth2ConfigTests {
    func parse(_ json: String, environment: [String: String] = [:]) throws -> GatewayConfig {
        try ConfigLoader(environment: environment).parse(Data(json.utf8), file: "test.json")
    }

    @Test func authMethodDefaultsToBasicAndAcceptsPost() throws {
        let config = try parse(#"""
            {"mcpServers": {"a": {"url": "http://127.0.0.1:1/mcp"},
                            "b": {"url": "http://127.0.0.1:1/mcp", "oauth2_auth_method": "client_secret_post"}}}
            """#)
        #expect(config.server(named: "a")?.oauth2AuthMethod == .clientSecretBasic)
        #expect(config.server(named: "b")?.oauth2AuthMethod == .clientSecretPost)
    }

    @Test func aBadAuthMethodIsOneLineNamingFileServerAndField() {
        do {
            _ = try parse(#"{"mcpServers": {"files": {"url": "http://127.0.0.1:1/mcp", "oauth2_auth_method": "private_key_jwt"}}}"#)
            Issue.record("no error")
        } catch {
            #expect("\(error)" == #"test.json: server 'files', field 'oauth2_auth_method': unknown auth method "private_key_jwt" (expected client_secret_basic or client_secret_post)"#)
        }
    }

    @Test func environmentFillsEmptyFieldsOnly() throws {
        let env = [
            "FILE_SERVICE_CLIENT_ID": "env-id", "FILE_SERVICE_CLIENT_SECRET": "env-secret", "FILE_SERVICE_TOKEN": "env-token",
            "MY_SERVER_V2_CLIENT_ID": "dash-id",
        ]
        let config = try parse(#"""
            {"mcpServers": {
              "file_service": {"url": "http://127.0.0.1:1/mcp", "oauth2_client_id": ""},
              "kept": {"url": "http://127.0.0.1:1/mcp", "oauth2_client_id": "own"},
              "my-server.v2": {"url": "http://127.0.0.1:1/mcp"}}}
            """#, environment: env)
        let files = try #require(config.server(named: "file_service"))
        #expect(files.oauth2ClientID == "env-id")
        #expect(files.oauth2ClientSecret == "env-secret")
        #expect(files.oauth2Token == "env-token")
        #expect(files.usesOAuth2ClientCredentials)
        #expect(config.server(named: "kept")?.oauth2ClientID == "own")
        #expect(config.server(named: "kept")?.oauth2ClientSecret == nil)
        #expect(config.server(named: "my-server.v2")?.oauth2ClientID == "dash-id")
        #expect(ConfigFields.environmentPrefix(for: "my-server.v2") == "MY_SERVER_V2")
    }

    @Test func clientCredentialsWinOverAStaticToken() throws {
        var config = MCPServerConfig.http("s", url: "http://127.0.0.1:1/mcp")
        config.oauth2Token = "static"
        #expect(OAuth2Authorizer(config: config, manager: OAuth2TokenManager()) == nil)
        config.oauth2ClientID = "id"
        config.oauth2ClientSecret = "secret"
        #expect(OAuth2Authorizer(config: config, manager: OAuth2TokenManager()) != nil)
        let client = MCPClient(config: config)
        let transport = client.makeTransport(.http) as? StreamableHTTPTransport
        #expect(transport?.support.authorizer is OAuth2Authorizer)
    }
}
