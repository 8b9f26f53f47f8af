import CurlHTTP
import Foundation
import TestSupport
import Testing
@testable import MCPGateway

/// No type that holds a credential shows it: not in interpolation, debug text or `dump`.
@Suite("Secrets never print")
struct SecretRedactionTests {
    let secret = "s3cr3t-value-42"

    @Test func headersHideCredentialValuesOnly() {
        let auth = HeaderConfig(key: "Authorization", value: "Bearer \(secret)")
        #expect(secretLeaks(of: auth, secrets: [secret]).isEmpty)
        #expect("\(auth)" == "Authorization: <redacted>")
        let team = HeaderConfig(key: "X-Team", value: "docs")
        #expect("\(team)" == "X-Team: docs")
    }

    @Test func serverEntriesHideTokensSecretsHeadersAndEnvironment() {
        var config = MCPServerConfig.http("api", url: "https://example.com/mcp", headers: [HeaderConfig(key: "X-Api-Key", value: secret)])
        config.oauth2Token = secret + "-token"
        config.oauth2ClientID = "client-1"
        config.oauth2ClientSecret = secret + "-client"
        config.env = ["API_KEY": secret + "-env"]
        #expect(secretLeaks(of: config, secrets: [secret]).isEmpty)
        #expect("\(config)".contains("client-1"), "what is not secret still shows")
        #expect(secretLeaks(of: [config], secrets: [secret]).isEmpty, "inside a collection too")
    }

    @Test func credentialsAndAuthorizersHideTheSecret() throws {
        let credentials = OAuth2Credentials(server: "s", tokenURL: "https://auth.example/token", clientID: "id", clientSecret: secret)
        #expect(secretLeaks(of: credentials, secrets: [secret]).isEmpty)
        var config = MCPServerConfig.http("s", url: "https://example.com/mcp")
        config.oauth2ClientID = "id"
        config.oauth2ClientSecret = secret
        let authorizer = try #require(OAuth2Authorizer(config: config, manager: OAuth2TokenManager()))
        #expect(secretLeaks(of: authorizer, secrets: [secret]).isEmpty)
        #expect(secretLeaks(of: StaticTokenAuthorizer(token: secret), secrets: [secret]).isEmpty)
    }

    @Test func tokensHideBothTokens() {
        let token = OAuth2TokenState.Token(accessToken: secret + "-a", refreshToken: secret + "-r", lifetime: .seconds(60), requestedAt: .now, requestedAtDate: Date())
        #expect(secretLeaks(of: token, secrets: [secret]).isEmpty)
        #expect(secretLeaks(of: OAuth2TokenState.Grant.refreshToken(secret), secrets: [secret]).isEmpty)
        let answer = OAuth2TokenEndpoint.Answer(accessToken: secret, refreshToken: nil, lifetime: .seconds(60))
        #expect(secretLeaks(of: answer, secrets: [secret]).isEmpty)
    }
}
