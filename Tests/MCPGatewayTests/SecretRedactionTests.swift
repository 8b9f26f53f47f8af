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

    /// URLs carry credentials too: the user info's password and every query value never show,
    /// in a server entry's text, its status endpoint or the gateway's listing.
    @Test func urlsHideTheirPasswordAndQueryValues() {
        #expect(Redaction.url("https://bob:\(secret)@example.com:8443/mcp?api_key=\(secret)&v=2#top")
                == "https://bob:<redacted>@example.com:8443/mcp?api_key=<redacted>&v=<redacted>#top")
        #expect(Redaction.url("http://127.0.0.1:9/mcp") == "http://127.0.0.1:9/mcp", "nothing to hide: unchanged")
        #expect(Redaction.url("http://bob@h/x?flag") == "http://bob@h/x?flag", "a user without a password, a key without a value")
        #expect(Redaction.url("http://[::1]:8000/sse?token=\(secret)") == "http://[::1]:8000/sse?token=<redacted>")
        #expect(Redaction.url("not a url") == "not a url")
        let config = MCPServerConfig.http("api", url: "https://u:\(secret)@example.com/mcp?key=\(secret)")
        #expect(secretLeaks(of: config, secrets: [secret]).isEmpty)
        #expect(!config.endpointDescription.contains(secret) && config.endpointDescription.hasPrefix("https://u:<redacted>@example.com/mcp"))
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
