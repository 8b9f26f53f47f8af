import CurlHTTP
import Foundation

/// The authorization server's endpoints a sign-in uses after discovery: registration (RFC 7591),
/// the code exchange and refresh (RFC 6749 with PKCE and RFC 8707), revocation (RFC 7009).
///
/// Answers are read by the same parser as client-credentials tokens, so errors read alike and
/// never carry a secret.
public struct SignInEndpoints: Sendable {
    let http: HTTPClient
    var timeouts = HTTPTimeouts(connect: HTTPTimeouts.connectCap, total: .seconds(30))

    public init(http: HTTPClient = .shared) { self.http = http }

    /// A client as the token endpoint sees it.
    public struct Client: Sendable, Hashable {
        public var id: String
        public var secret: String?
        /// `none` (a public client: `client_id` in the form), `client_secret_basic` or `client_secret_post`.
        public var authMethod: String

        public init(id: String, secret: String?, authMethod: String) {
            (self.id, self.secret, self.authMethod) = (id, secret, authMethod)
        }
    }

    /// A token answer, with the absolute expiry computed when the request was sent.
    struct Tokens: Sendable {
        var accessToken: String
        var refreshToken: String?
        var expiresAt: Date?
        var issuedAt: Date
    }

    /// Registers lmg as a public client with one loopback redirect URI, for the code grant and,
    /// where the server offers it, the device grant (so one registration serves both sign-ins).
    func register(
        at endpoint: String, redirectURI: String, device: Bool, issuer: String, server: String
    ) async throws(SignInError) -> ClientRegistration {
        var document: [String: Any] = [
            "client_name": "lmg", "redirect_uris": [redirectURI],
            "grant_types": ["authorization_code", "refresh_token"] + (device ? [SignInFlow.deviceGrant] : []),
            "response_types": ["code"], "token_endpoint_auth_method": "none",
            "software_id": "lmg",
        ]
        // No `scope`: a registration pinned to today's scopes could not grow by step-up later.
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Accept", value: "application/json")
        let body = (try? JSONSerialization.data(withJSONObject: document)) ?? Data()
        let (status, object) = try await send(HTTPRequest(method: "POST", url: endpoint, headers: headers, body: body, timeouts: timeouts),
                                              what: "client registration at \(endpoint)", server: server)
        guard status == 201 || status == 200, let id = object["client_id"] as? String, !id.isEmpty else {
            let code = object["error"] as? String
            let why = code.map { ": \($0)" + ((object["error_description"] as? String).map { " (\(String($0.prefix(200))))" } ?? "") } ?? ": HTTP \(status)"
            throw SignInError(.endpoint, server: server, "client registration at \(endpoint) failed\(why); or set oauth2_client_id")
        }
        let secret = (object["client_secret"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        let method = object["token_endpoint_auth_method"] as? String ?? (secret == nil ? "none" : "client_secret_basic")
        return ClientRegistration(issuer: issuer, clientID: id, clientSecret: secret, authMethod: method, redirectURI: redirectURI)
    }

    /// Trades the code for tokens, proving the sign-in with the PKCE verifier.
    func exchange(_ code: String, for request: AuthorizationRequest, client: Client) async throws(SignInError) -> Tokens {
        try await token([
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", request.redirectURI),
            ("code_verifier", request.pkce.verifier), ("resource", request.resource),
        ], at: request.metadata.tokenEndpoint, client: client, server: request.server)
    }

    /// New tokens from the refresh token; the answer's refresh token replaces the old one when
    /// the server rotates it.
    func refresh(_ record: SignInRecord, server: String) async throws(SignInError) -> Tokens {
        var tokens = try await token(
            [("grant_type", "refresh_token"), ("refresh_token", record.refreshToken ?? ""), ("resource", record.resource)],
            at: record.tokenEndpoint, client: Client(id: record.clientID, secret: record.clientSecret, authMethod: record.authMethod),
            server: server)
        if tokens.refreshToken == nil { tokens.refreshToken = record.refreshToken }
        return tokens
    }

    /// Revokes the refresh token (which, at most servers, ends its access tokens too), then the
    /// access token. Returns false when the server has no revocation endpoint.
    func revoke(_ record: SignInRecord, server: String) async throws(SignInError) -> Bool {
        guard let endpoint = record.revocationEndpoint else { return false }
        let client = Client(id: record.clientID, secret: record.clientSecret, authMethod: record.authMethod)
        var tokens: [(String, String)] = []
        if let refresh = record.refreshToken { tokens.append((refresh, "refresh_token")) }
        tokens.append((record.accessToken, "access_token"))
        for (token, hint) in tokens {
            let request = Self.form([("token", token), ("token_type_hint", hint)], url: endpoint, client: client, timeouts: timeouts)
            let (status, object) = try await send(request, what: "revocation at \(endpoint)", server: server)
            // RFC 7009 §2.2: 200 even for an unknown token; anything else is a refusal.
            guard status == 200 else {
                let code = object["error"] as? String ?? "HTTP \(status)"
                throw SignInError(.endpoint, server: server, "revocation at \(endpoint) failed: \(code); the tokens were kept, try again")
            }
        }
        return true
    }

    func token(_ fields: [(String, String)], at endpoint: String, client: Client, server: String) async throws(SignInError) -> Tokens {
        let sentAt = Date()
        let request = Self.form(fields, url: endpoint, client: client, timeouts: timeouts)
        let response: HTTPResponse
        let body: Data
        do {
            response = try await http.execute(request)
            body = try await response.body.collect(upTo: 256 * 1024)
        } catch {
            throw SignInError(.endpoint, server: server, "token request to \(endpoint) failed: \(Self.reason(error))")
        }
        let credentials = OAuth2Credentials(server: server, tokenURL: endpoint, clientID: client.id, clientSecret: client.secret ?? "")
        do {
            let answer = try OAuth2TokenEndpoint.parse(status: response.status, body: body, credentials: credentials)
            return Tokens(accessToken: answer.accessToken, refreshToken: answer.refreshToken,
                          expiresAt: answer.lifetime.map { sentAt.addingTimeInterval(Double($0.components.seconds)) }, issuedAt: sentAt)
        } catch {
            let kind: SignInError.Kind = error.code.map { .refused(code: $0) } ?? .endpoint
            throw SignInError(kind, server: server, error.detail)
        }
    }

    /// A form POST authenticated as `client`.
    static func form(_ fields: [(String, String)], url: String, client: Client, timeouts: HTTPTimeouts) -> HTTPRequest {
        var form = fields
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        headers.add(name: "Accept", value: "application/json")
        switch (client.authMethod, client.secret) {
        case ("client_secret_basic", let secret?):
            let pair = OAuth2TokenEndpoint.formEncode(client.id) + ":" + OAuth2TokenEndpoint.formEncode(secret)
            headers.add(name: "Authorization", value: "Basic " + Data(pair.utf8).base64EncodedString())
        case ("client_secret_post", let secret?):
            form += [("client_id", client.id), ("client_secret", secret)]
        default:
            form.append(("client_id", client.id))
        }
        let body = form.map { OAuth2TokenEndpoint.formEncode($0.0) + "=" + OAuth2TokenEndpoint.formEncode($0.1) }.joined(separator: "&")
        return HTTPRequest(method: "POST", url: url, headers: headers, body: Data(body.utf8), timeouts: timeouts)
    }

    func send(_ request: HTTPRequest, what: String, server: String) async throws(SignInError) -> (Int, [String: Any]) {
        do {
            let response = try await http.execute(request)
            let body = try await response.body.collect(upTo: 256 * 1024)
            return (response.status, (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:])
        } catch {
            throw SignInError(.endpoint, server: server, "\(what) failed: \(Self.reason(error))")
        }
    }

    static func reason(_ error: any Error) -> String {
        (error as? HTTPClientError).map(OAuth2TokenEndpoint.reason) ?? "\(error)"
    }
}
