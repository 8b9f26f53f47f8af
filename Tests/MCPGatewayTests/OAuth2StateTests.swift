import Foundation
@testable import MCPGateway
import Testing

/// The token lifecycle, discovery URL rules and token-endpoint parsing, without I/O: instants are
/// fed in, so expiry, single-flight and fallback paths run in microseconds.
@Suite("OAuth2: pure logic")
struct OAuth2StateTests {
    typealias State = OAuth2TokenState
    let t0 = ContinuousClock.now
    let d0 = Date(timeIntervalSince1970: 1_000_000)

    func token(_ access: String, refresh: String? = "r1", lifetime: Duration? = .seconds(2), at offset: Duration = .zero) -> State.Token {
        State.Token(accessToken: access, refreshToken: refresh, lifetime: lifetime, requestedAt: t0 + offset, requestedAtDate: d0)
    }

    @Test func firstCallerFetchesOthersWaitThenAllUseTheToken() {
        var state = State()
        #expect(state.tokenNeeded(now: t0) == .startFetch(.clientCredentials))
        for _ in 0..<19 { #expect(state.tokenNeeded(now: t0) == .waitForFetch) }
        state.fetchSucceeded(token("a1"))
        #expect(state.tokenNeeded(now: t0 + .milliseconds(500)) == .use("a1"))
        #expect(state.expiresAtDate == d0.addingTimeInterval(2))
    }

    @Test func skewIsTheSmallerOfSixtySecondsAndATenth() {
        #expect(State.Token.skew(lifetime: .seconds(3600)) == .seconds(60))
        #expect(State.Token.skew(lifetime: .seconds(100)) == .seconds(10))
        #expect(State.Token.skew(lifetime: .seconds(2)) == .milliseconds(200))
    }

    @Test func renewsBeforeExpiryWithTheRefreshToken() {
        var state = State()
        _ = state.tokenNeeded(now: t0)
        state.fetchSucceeded(token("a1", refresh: "r1", lifetime: .seconds(2)))
        #expect(state.tokenNeeded(now: t0 + .milliseconds(1799)) == .use("a1"))
        // 2 s lifetime, 0.2 s skew: due at 1.8 s, before the server considers it expired.
        #expect(state.tokenNeeded(now: t0 + .milliseconds(1800)) == .startFetch(.refreshToken("r1")))
        #expect(state.tokenNeeded(now: t0 + .milliseconds(1801)) == .waitForFetch)
        state.fetchSucceeded(token("a2", refresh: "r2", lifetime: .seconds(2), at: .milliseconds(1800)))
        #expect(state.tokenNeeded(now: t0 + .seconds(3)) == .use("a2"))
    }

    @Test func withoutARefreshTokenRenewalIsANewClientCredentialsGrant() {
        var state = State()
        _ = state.tokenNeeded(now: t0)
        state.fetchSucceeded(token("a1", refresh: nil))
        #expect(state.tokenNeeded(now: t0 + .seconds(5)) == .startFetch(.clientCredentials))
    }

    @Test func aRefreshAnswerWithoutARefreshTokenKeepsTheOldOne() {
        var state = State()
        _ = state.tokenNeeded(now: t0)
        state.fetchSucceeded(token("a1", refresh: "r1"))
        #expect(state.tokenNeeded(now: t0 + .seconds(5)) == .startFetch(.refreshToken("r1")))
        state.fetchSucceeded(token("a2", refresh: nil, at: .seconds(5)))
        #expect(state.token?.refreshToken == "r1")
    }

    @Test func invalidGrantOnRefreshFallsBackToClientCredentials() {
        var state = State()
        _ = state.tokenNeeded(now: t0)
        state.fetchSucceeded(token("a1", refresh: "r1"))
        #expect(state.tokenNeeded(now: t0 + .seconds(5)) == .startFetch(.refreshToken("r1")))
        #expect(state.fetchFailed(oauthCode: "invalid_grant") == .retry(.clientCredentials))
        // Still in flight for anyone else.
        #expect(state.tokenNeeded(now: t0 + .seconds(5)) == .waitForFetch)
        state.fetchSucceeded(token("a2", refresh: nil, at: .seconds(5)))
        #expect(state.tokenNeeded(now: t0 + .seconds(6)) == .use("a2"))
        #expect(state.token?.refreshToken == nil, "the rejected refresh token must not come back")
    }

    @Test func otherFailuresFailTheCallersAndTheNextCallTriesAgain() {
        var state = State()
        #expect(state.tokenNeeded(now: t0) == .startFetch(.clientCredentials))
        #expect(state.fetchFailed(oauthCode: "invalid_client") == .fail)
        #expect(state.fetchFailed(oauthCode: nil) == .fail)
        #expect(state.tokenNeeded(now: t0) == .startFetch(.clientCredentials))
        // invalid_grant on a client-credentials grant is not a refresh problem: no loop.
        #expect(state.fetchFailed(oauthCode: "invalid_grant") == .fail)
    }

    @Test func a401DropsTheRejectedTokenOnlyOnce() {
        var state = State()
        _ = state.tokenNeeded(now: t0)
        state.fetchSucceeded(token("a1", refresh: "r1", lifetime: .seconds(3600)))
        #expect(state.invalidate(rejected: "a1") == true)
        #expect(state.expiresAtDate == nil, "a rejected token has no expiry to show")
        #expect(state.tokenNeeded(now: t0 + .seconds(1)) == .startFetch(.refreshToken("r1")))
        // Other requests that carried a1 learn of the 401 while the fetch runs: nothing changes.
        #expect(state.invalidate(rejected: "a1") == true)
        #expect(state.tokenNeeded(now: t0 + .seconds(1)) == .waitForFetch)
        state.fetchSucceeded(token("a2", refresh: "r2", lifetime: .seconds(3600), at: .seconds(1)))
        // ...or after it finished: the replacement stays.
        #expect(state.invalidate(rejected: "a1") == true)
        #expect(state.tokenNeeded(now: t0 + .seconds(2)) == .use("a2"))
        // A rejection of the current token (or of an unknown one) drops it.
        #expect(state.invalidate(rejected: nil) == true)
        #expect(state.tokenNeeded(now: t0 + .seconds(2)) == .startFetch(.refreshToken("r2")))
    }

    @Test func forcedRefreshIgnoresExpiryAndJoinsARunningFetch() {
        var state = State()
        _ = state.tokenNeeded(now: t0)
        #expect(state.refreshRequested() == .waitForFetch)
        state.fetchSucceeded(token("a1", refresh: "r1", lifetime: .seconds(3600)))
        #expect(state.refreshRequested() == .startFetch(.refreshToken("r1")))
        #expect(state.tokenNeeded(now: t0) == .waitForFetch)
    }

    @Test func aTokenWithoutLifetimeIsUsedUntilRejected() {
        var state = State()
        _ = state.tokenNeeded(now: t0)
        state.fetchSucceeded(token("a1", refresh: nil, lifetime: nil))
        #expect(state.tokenNeeded(now: t0 + .seconds(86_400 * 365)) == .use("a1"))
        #expect(state.expiresAtDate == nil)
    }

    // MARK: - Discovery rules

    @Test func wellKnownURLsFollowRFC9728AndRFC8414() {
        #expect(OAuth2Discovery.wellKnown("oauth-protected-resource", for: "http://127.0.0.1:8000/mcp") == [
            "http://127.0.0.1:8000/.well-known/oauth-protected-resource/mcp",
            "http://127.0.0.1:8000/.well-known/oauth-protected-resource",
        ])
        #expect(OAuth2Discovery.wellKnown("oauth-protected-resource", for: "https://x.example/") == [
            "https://x.example/.well-known/oauth-protected-resource",
        ])
        #expect(OAuth2Discovery.wellKnown("oauth-authorization-server", for: "https://as.example/tenant1", rootFallback: false) == [
            "https://as.example/.well-known/oauth-authorization-server/tenant1",
        ])
        #expect(OAuth2Discovery.appended("openid-configuration", to: "https://as.example/tenant1/") == [
            "https://as.example/tenant1/.well-known/openid-configuration",
        ])
        #expect(OAuth2Discovery.appended("openid-configuration", to: "https://as.example").isEmpty)
    }

    @Test func metadataForAnotherResourceIsRefused() {
        let mine = "http://127.0.0.1:8000/mcp"
        #expect(OAuth2Discovery.covers(advertised: nil, resource: mine))
        #expect(OAuth2Discovery.covers(advertised: "http://127.0.0.1:8000/mcp/", resource: mine))
        #expect(OAuth2Discovery.covers(advertised: "http://127.0.0.1:8000", resource: mine))
        #expect(!OAuth2Discovery.covers(advertised: "http://127.0.0.1:8000/mc", resource: mine))
        #expect(!OAuth2Discovery.covers(advertised: "http://127.0.0.1:9000/mcp", resource: mine))
        #expect(!OAuth2Discovery.covers(advertised: "http://evil.example/mcp", resource: mine))
    }

    @Test func bearerChallengeParsing() {
        let sdk = #"Bearer error="invalid_token", error_description="Authentication required", resource_metadata="http://127.0.0.1:1/.well-known/oauth-protected-resource/mcp""#
        let parsed = BearerChallenge(header: sdk)
        #expect(parsed?.resourceMetadata == "http://127.0.0.1:1/.well-known/oauth-protected-resource/mcp")
        #expect(parsed?.error == "invalid_token")
        let mixed = #"Basic realm="x, y", Bearer scope="a b", resource_metadata=https://h/m"#
        #expect(BearerChallenge(header: mixed)?.resourceMetadata == "https://h/m")
        #expect(BearerChallenge(header: mixed)?.scope == "a b")
        #expect(BearerChallenge(header: #"Basic realm="x", resource_metadata="nope""#) == nil)
        #expect(BearerChallenge(header: "Bearer")?.resourceMetadata == nil)
        #expect(BearerChallenge(header: nil) == nil)
    }

    // MARK: - Token endpoint

    let credentials = OAuth2Credentials(
        server: "files", tokenURL: "http://127.0.0.1:5000/token", clientID: "id:1", clientSecret: "p@ss word",
        scopes: ["read", "write"], resource: "http://127.0.0.1:6000/mcp")

    @Test func basicAuthEncodesTheFormEncodedPair() throws {
        let request = OAuth2TokenEndpoint.makeRequest(credentials, grant: .clientCredentials, timeouts: .init())
        let body = String(decoding: try #require(request.body), as: UTF8.self)
        #expect(body == "grant_type=client_credentials&scope=read+write&resource=http%3A%2F%2F127.0.0.1%3A6000%2Fmcp")
        let basic = try #require(request.headers["Authorization"])
        #expect(basic == "Basic " + Data("id%3A1:p%40ss+word".utf8).base64EncodedString())
    }

    @Test func postAuthPutsCredentialsInTheBody() throws {
        var post = credentials
        post.authMethod = .clientSecretPost
        let request = OAuth2TokenEndpoint.makeRequest(post, grant: .refreshToken("rt"), timeouts: .init())
        let body = String(decoding: try #require(request.body), as: UTF8.self)
        #expect(body == "grant_type=refresh_token&refresh_token=rt&resource=http%3A%2F%2F127.0.0.1%3A6000%2Fmcp&client_id=id%3A1&client_secret=p%40ss+word")
        #expect(request.headers["Authorization"] == nil)
    }

    @Test func errorAnswersNameServerEndpointCodeAndDescriptionButNotTheSecret() {
        let body = Data(#"{"error": "invalid_client", "error_description": "bad secret p@ss word"}"#.utf8)
        do {
            _ = try OAuth2TokenEndpoint.parse(status: 401, body: body, credentials: credentials)
            Issue.record("no error")
        } catch {
            #expect(error.description == "server 'files': token request to http://127.0.0.1:5000/token failed: invalid_client (bad secret ***)")
            #expect(error.code == "invalid_client")
        }
        #expect(throws: OAuth2Error.self) { try OAuth2TokenEndpoint.parse(status: 500, body: Data("<html>".utf8), credentials: credentials) }
        #expect(throws: OAuth2Error.self) {
            try OAuth2TokenEndpoint.parse(status: 200, body: Data(#"{"access_token": "x", "token_type": "mac"}"#.utf8), credentials: credentials)
        }
    }

    @Test func successAnswersParse() throws {
        let answer = try OAuth2TokenEndpoint.parse(
            status: 200, body: Data(#"{"access_token": "at", "token_type": "Bearer", "expires_in": 2, "refresh_token": "rt"}"#.utf8),
            credentials: credentials)
        #expect(answer == .init(accessToken: "at", refreshToken: "rt", lifetime: .seconds(2)))
        let bare = try OAuth2TokenEndpoint.parse(status: 200, body: Data(#"{"access_token": "at"}"#.utf8), credentials: credentials)
        #expect(bare == .init(accessToken: "at", refreshToken: nil, lifetime: nil))
    }

    @Test func credentialsNeverPrintTheSecret() {
        #expect(!"\(credentials)".contains("p@ss"))
        #expect(!String(reflecting: credentials.key).contains("p@ss"))
    }
}
