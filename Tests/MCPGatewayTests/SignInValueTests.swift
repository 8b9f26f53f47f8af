import CurlHTTP
import Foundation
@testable import MCPGateway
import Testing

/// The sign-in's pure parts and its local I/O: PKCE, the authorization request and the check of
/// its redirect, the token file, the loopback listener. No authorization server.
@Suite("Sign-in values")
struct SignInValueTests {
    static func metadata(issParameter: Bool = true) -> AuthorizationServerMetadata {
        AuthorizationServerMetadata(
            authorizationServer: [
                "issuer": "http://127.0.0.1:9/", "authorization_endpoint": "http://127.0.0.1:9/authorize?tenant=a",
                "token_endpoint": "http://127.0.0.1:9/token", "code_challenge_methods_supported": ["S256"],
                "authorization_response_iss_parameter_supported": issParameter, "scopes_supported": ["as:wide"],
            ],
            resourceMetadata: ["scopes_supported": ["mcp:read"]], fallbackIssuer: "unused")!
    }

    static func request(issParameter: Bool = true) -> AuthorizationRequest {
        AuthorizationRequest(
            server: "fx", metadata: metadata(issParameter: issParameter), clientID: "lmg client", redirectURI: "http://127.0.0.1:5555/callback",
            scopes: ["mcp:read", "a+b"], resource: "http://127.0.0.1:8/mcp", state: "the-state", pkce: PKCE(verifier: "v" + String(repeating: "x", count: 42)))
    }

    @Test func pkceFollowsRFC7636() {
        // RFC 7636 Appendix B.
        let pair = PKCE(verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        #expect(pair.challenge == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        let fresh = PKCE()
        #expect(fresh.verifier.count == 43 && fresh.verifier.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        #expect(PKCE().verifier != fresh.verifier)
        #expect("\(fresh)" == "PKCE(S256, verifier: <redacted>)")
        var dumped = ""
        dump(fresh, to: &dumped)
        dump(Self.request(), to: &dumped)
        #expect(!dumped.contains(fresh.verifier) && !dumped.contains("the-state") && !dumped.contains("vxxxx"), "\(dumped)")
    }

    @Test func theAuthorizationURLCarriesEveryParameter() throws {
        let request = Self.request()
        let parts = try #require(URLComponents(string: request.url))
        let query = Dictionary(uniqueKeysWithValues: (parts.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        #expect(parts.path == "/authorize")
        #expect(query["tenant"] == "a", "the endpoint's own query is kept")
        #expect(query["response_type"] == "code" && query["client_id"] == "lmg client")
        #expect(query["redirect_uri"] == "http://127.0.0.1:5555/callback" && query["state"] == "the-state")
        #expect(query["code_challenge"] == request.pkce.challenge && query["code_challenge_method"] == "S256")
        #expect(query["resource"] == "http://127.0.0.1:8/mcp")
        #expect(query["scope"] == "mcp:read a+b")
        #expect(request.url.contains("a%2Bb"), "a '+' is sent encoded, never read as a space")
        #expect(!request.url.contains(request.pkce.verifier))
        #expect(!"\(request)".contains("the-state"))
    }

    @Test func theRedirectMustAnswerThisRequest() throws {
        let request = Self.request()
        #expect(try request.code(fromRedirect: ["code": "c0de", "state": "the-state", "iss": "http://127.0.0.1:9/"]) == "c0de")
        func refusal(_ query: [String: String], _ on: AuthorizationRequest = request) -> SignInError? {
            do { _ = try on.code(fromRedirect: query); return nil } catch { return error }
        }
        #expect(refusal(["code": "c", "state": "other", "iss": "http://127.0.0.1:9/"])?.kind == .forgedRedirect)
        #expect(refusal(["code": "c", "iss": "http://127.0.0.1:9/"])?.kind == .forgedRedirect)
        let wrongIssuer = refusal(["code": "c", "state": "the-state", "iss": "http://evil.example/"])
        #expect(wrongIssuer?.kind == .forgedRedirect && wrongIssuer?.detail.contains("RFC 9207") == true)
        #expect(refusal(["code": "c", "state": "the-state"])?.kind == .forgedRedirect, "the server promised iss")
        #expect(try Self.request(issParameter: false).code(fromRedirect: ["code": "c", "state": "the-state"]) == "c")
        let denied = refusal(["error": "access_denied", "error_description": "no", "state": "the-state", "iss": "http://127.0.0.1:9/"])
        #expect(denied?.kind == .refused(code: "access_denied") && denied?.description == "server 'fx': the authorization server refused the sign-in: access_denied (no)")
        #expect(refusal(["state": "the-state", "iss": "http://127.0.0.1:9/"])?.detail.contains("no code") == true)
        // The code never appears in an error.
        #expect(refusal(["code": "s3cret-code", "state": "x"])?.description.contains("s3cret-code") == false)
    }

    @Test func scopesComeFromConfigThenChallengeThenResourceMetadata() {
        let metadata = Self.metadata()
        #expect(SignInFlow.scopes(configured: ["x"], challenge: #"Bearer scope="a b""#, metadata: metadata) == ["x"])
        #expect(SignInFlow.scopes(configured: [], challenge: #"Bearer error="invalid_token", scope="a b""#, metadata: metadata) == ["a", "b"])
        #expect(SignInFlow.scopes(configured: [], challenge: "Bearer", metadata: metadata) == ["mcp:read"])
    }

    static func record(_ resource: String = "http://127.0.0.1:8/mcp", token: String = "at-1") -> SignInRecord {
        SignInRecord(
            resource: resource, issuer: "http://127.0.0.1:9/", clientID: "c", clientSecret: "cs-secret", authMethod: "none",
            tokenEndpoint: "http://127.0.0.1:9/token", revocationEndpoint: nil, accessToken: token, refreshToken: "rt-1",
            expiresAt: Date(timeIntervalSince1970: 2_000_000_000), scopes: ["mcp:read"], signedInAt: Date(timeIntervalSince1970: 1_900_000_000))
    }

    static func temporaryStore() -> FileSignInStore {
        FileSignInStore(path: NSTemporaryDirectory() + "lmg-signin-\(UUID().uuidString)/lmg/oauth.json")
    }

    @Test func theTokenFileIsTheOwnersAloneAndRoundTrips() async throws {
        let store = Self.temporaryStore()
        #expect(try store.signIn(resource: "http://127.0.0.1:8/mcp", clientID: nil) == nil, "no file yet: no sign-in")
        try store.save(Self.record())
        try store.save(ClientRegistration(issuer: "http://127.0.0.1:9/", clientID: "reg", clientSecret: nil, authMethod: "none", redirectURI: "http://127.0.0.1:1/callback"))
        let attributes = try FileManager.default.attributesOfItem(atPath: store.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let folder = try FileManager.default.attributesOfItem(atPath: (store.path as NSString).deletingLastPathComponent)
        #expect((folder[.posixPermissions] as? Int) == 0o700)
        #expect(try store.signIn(resource: "http://127.0.0.1:8/mcp", clientID: "c") == Self.record())
        #expect(try store.signIn(resource: "http://127.0.0.1:8/mcp", clientID: "other") == nil, "keyed by server and client")
        #expect(try store.registration(issuer: "http://127.0.0.1:9/")?.clientID == "reg")
        #expect(try store.removeSignIn(resource: "http://127.0.0.1:8/mcp"))
        #expect(try !store.removeSignIn(resource: "http://127.0.0.1:8/mcp"))
        #expect(try store.registration(issuer: "http://127.0.0.1:9/") != nil, "signing out keeps the registration")
        // Printing a record shows no token or secret.
        #expect(!"\(Self.record())".contains("at-1") && !String(reflecting: Self.record()).contains("cs-secret"))
    }

    @Test func aTokenFileOthersCanReadIsRefused() throws {
        let store = Self.temporaryStore()
        try store.save(Self.record())
        chmod(store.path, 0o644)
        #expect {
            try store.signIn(resource: "x", clientID: nil)
        } throws: { error in
            let text = "\(error)"
            return (error as? SignInError)?.kind == .store && text.contains(store.path) && text.contains("mode 644") && text.contains("chmod 600")
        }
        try "not json".write(toFile: store.path, atomically: false, encoding: .utf8)
        chmod(store.path, 0o600)
        #expect(throws: SignInError.self) { try store.signIns() }
    }

    @Test func concurrentSavesLoseNothing() async throws {
        let store = Self.temporaryStore()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<20 {
                group.addTask { try store.save(Self.record("http://127.0.0.1:8/mcp\(index)", token: "t\(index)")) }
            }
            try await group.waitForAll()
        }
        #expect(try store.signIns().count == 20)
    }

    @Test func theListenerAnswersTheRedirectAndIgnoresOtherPaths() async throws {
        let listener = try LoopbackRedirectListener()
        #expect(listener.redirectURI.hasPrefix("http://127.0.0.1:") && listener.redirectURI.hasSuffix("/callback"))
        async let query = listener.waitForRedirect(timeout: .seconds(10)) { query in (200, "<p>ok \(query["code"] ?? "")</p>") }
        let http = HTTPClient.shared
        let other = try await http.execute(HTTPRequest(url: "http://127.0.0.1:\(listener.port)/favicon.ico"))
        #expect(other.status == 404)
        let answer = try await http.execute(HTTPRequest(url: listener.redirectURI + "?code=abc&state=s%20t"))
        let body = String(decoding: try await answer.body.collect(upTo: 4096), as: UTF8.self)
        #expect(answer.status == 200 && body == "<p>ok abc</p>")
        #expect(answer.headers["Cache-Control"] == "no-store")
        #expect(await query == ["code": "abc", "state": "s t"])

        let idle = try LoopbackRedirectListener()
        let started = ContinuousClock.now
        #expect(await idle.waitForRedirect(timeout: .milliseconds(300)) { _ in (200, "") } == nil)
        #expect(ContinuousClock.now - started < .seconds(5))
    }
}
