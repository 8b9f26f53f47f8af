import CurlHTTP
import Foundation

/// A person's sign-in to one HTTP MCP server, end to end: the server's 401 leads to its
/// authorization server (discovery as for client credentials), a client is chosen in the MCP
/// spec's order, the browser goes through the authorization-code flow with PKCE to a loopback
/// listener, and the tokens land in the store.
///
/// Front ends only present the URL (print it, open a browser) and report the result.
public struct SignInFlow: Sendable {
    public let config: MCPServerConfig
    public let store: any SignInStore
    let http: HTTPClient
    /// How long to wait for the browser to come back.
    public var redirectTimeout: Duration
    /// Shows the authorization URL to the person: printed on a line of its own, and opened in a
    /// browser where there is one. Called once, before the wait.
    public var present: @Sendable (String) async -> Void

    public init(
        config: MCPServerConfig, store: any SignInStore, http: HTTPClient = .shared, redirectTimeout: Duration = .seconds(300),
        present: @escaping @Sendable (String) async -> Void
    ) {
        self.config = config
        self.store = store
        self.http = http
        self.redirectTimeout = redirectTimeout
        self.present = present
    }

    var server: String { config.name }

    /// Signs in and saves the sign-in; the record is returned for reporting (it prints without tokens).
    public func run() async throws(SignInError) -> SignInRecord {
        let (resource, metadata, scopes, registered) = try await prepare()
        guard metadata.offersAuthorizationCode else {
            throw SignInError(.unsupportedServer, server: server,
                              "its authorization server \(metadata.issuer) offers no sign-in (no authorization_code grant); use oauth2_client_id and oauth2_client_secret (client credentials) if it gave you those")
        }
        guard metadata.supportsS256 else {
            throw SignInError(.unsupportedServer, server: server,
                              "its authorization server \(metadata.issuer) lists no code_challenge_methods_supported with S256 (PKCE), which the MCP authorization spec requires; lmg does not sign in without it")
        }
        let listener = try LoopbackRedirectListener(preferredPort: registered.flatMap { URLComponents(string: $0.redirectURI)?.port })
        defer { listener.stop() }
        let client = try await client(metadata, registered: registered, listener: listener)
        let request = AuthorizationRequest(
            server: server, metadata: metadata, clientID: client.id, redirectURI: listener.redirectURI, scopes: scopes, resource: resource)
        await present(request.url)
        let page: LoopbackRedirectListener.Page = { query in
            do {
                _ = try request.code(fromRedirect: query)
                return (200, Self.page(title: "Signed in", text: "lmg is signed in to \(request.server). You can close this tab."))
            } catch let error as SignInError {
                return (400, Self.page(title: "Sign-in failed", text: error.detail))
            } catch {
                return (400, Self.page(title: "Sign-in failed", text: "\(error)"))
            }
        }
        guard let query = await listener.waitForRedirect(timeout: redirectTimeout, page: page) else {
            throw SignInError(.timedOut, server: server,
                              "no sign-in came back within \(Int(redirectTimeout.components.seconds)) s; open the URL lmg printed and sign in, or run `lmg login \(server)` again")
        }
        let code = try request.code(fromRedirect: query)
        let tokens = try await SignInEndpoints(http: http).exchange(code, for: request, client: client)
        return try await save(tokens, resource: resource, metadata: metadata, client: client, scopes: scopes)
    }

    /// What both sign-ins start from: the server's URL, its authorization server, the scopes to
    /// ask for (with any a 403 asked for on top), and the registration lmg holds there.
    func prepare() async throws(SignInError) -> (
        resource: String, metadata: AuthorizationServerMetadata, scopes: [String], registered: ClientRegistration?
    ) {
        guard let resource = config.url, config.transport != .stdio else {
            throw SignInError(.unsupportedServer, server: server, "is a stdio server; only HTTP servers take a sign-in")
        }
        let challenge = try await probe(resource)
        let metadata = try await discover(resource, challenge: challenge)
        let previous = try await store.signIn(resource: resource, clientID: nil)
        var scopes = Self.scopes(configured: config.oauth2Scopes, challenge: challenge, metadata: metadata)
        for scope in (previous?.requiredScopes ?? []) where !scopes.contains(scope) { scopes.append(scope) }
        return (resource, metadata, scopes, try await store.registration(issuer: metadata.issuer))
    }

    /// Keeps the new tokens as the server's sign-in.
    func save(
        _ tokens: SignInEndpoints.Tokens, resource: String, metadata: AuthorizationServerMetadata, client: SignInEndpoints.Client,
        scopes: [String]
    ) async throws(SignInError) -> SignInRecord {
        let record = SignInRecord(
            resource: resource, issuer: metadata.issuer, clientID: client.id, clientSecret: client.secret, authMethod: client.authMethod,
            tokenEndpoint: metadata.tokenEndpoint, revocationEndpoint: metadata.revocationEndpoint, accessToken: tokens.accessToken,
            refreshToken: tokens.refreshToken, expiresAt: tokens.expiresAt, issuedAt: tokens.issuedAt, scopes: scopes)
        try await store.save(record)
        return record
    }

    /// The server's `WWW-Authenticate` to an unauthenticated initialize; nil when it sent none.
    func probe(_ url: String) async throws(SignInError) -> String? {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Accept", value: "application/json, text/event-stream")
        headers.add(name: "MCP-Protocol-Version", value: ProtocolNegotiation.legacyVersions[0])
        for header in config.headers where header.key.lowercased() != "authorization" { headers.add(name: header.key, value: header.value) }
        let body = #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"\#(ProtocolNegotiation.legacyVersions[0])","capabilities":{},"clientInfo":{"name":"lmg","version":"sign-in"}}}"#
        do {
            let response = try await http.execute(HTTPRequest(
                method: "POST", url: url, headers: headers, body: Data(body.utf8),
                timeouts: HTTPTimeouts(connect: HTTPTimeouts.connectCap, total: .seconds(15))))
            _ = try? await response.body.collect(upTo: 64 * 1024)
            if response.status == 401 || response.status == 403 { return response.headers["WWW-Authenticate"] ?? "" }
            if (200..<300).contains(response.status) {
                throw SignInError(.unsupportedServer, server: server, "answers without a sign-in (HTTP \(response.status)); nothing to do")
            }
            return nil
        } catch let error as SignInError {
            throw error
        } catch {
            throw SignInError(.endpoint, server: server, "\(url) cannot be reached: \(SignInEndpoints.reason(error))")
        }
    }

    func discover(_ resource: String, challenge: String?) async throws(SignInError) -> AuthorizationServerMetadata {
        do {
            return try await OAuth2Discovery(http: http).authorizationServer(server: server, resource: resource, challenge: challenge)
        } catch {
            throw SignInError(.endpoint, server: server, error.detail)
        }
    }

    /// The configured scopes, else the 401's `scope`, else the resource's `scopes_supported`
    /// (the MCP spec's order); none when nothing names any.
    static func scopes(configured: [String], challenge: String?, metadata: AuthorizationServerMetadata) -> [String] {
        if !configured.isEmpty { return configured }
        if let scope = BearerChallenge(header: challenge)?.scope, !scope.isEmpty {
            return scope.split(separator: " ").map(String.init)
        }
        return metadata.resourceScopesSupported ?? metadata.scopesSupported ?? []
    }

    /// The client in the spec's order: configured, a Client ID Metadata Document, a registration
    /// (kept, or made now), else an error naming the config key to set.
    func client(
        _ metadata: AuthorizationServerMetadata, registered: ClientRegistration?, listener: LoopbackRedirectListener
    ) async throws(SignInError) -> SignInEndpoints.Client {
        if let id = config.oauth2ClientID, !id.isEmpty {
            let secret = config.oauth2ClientSecret.flatMap { $0.isEmpty ? nil : $0 }
            return .init(id: id, secret: secret, authMethod: secret == nil ? "none" : config.oauth2AuthMethod.rawValue)
        }
        if metadata.clientIDMetadataDocumentSupported, let document = config.oauth2ClientMetadataURL {
            return .init(id: document, secret: nil, authMethod: "none")
        }
        // A loopback redirect may use any port (RFC 8252 §7.3): the registration stays good.
        if let registered {
            return .init(id: registered.clientID, secret: registered.clientSecret, authMethod: registered.authMethod)
        }
        guard let endpoint = metadata.registrationEndpoint else {
            let cimd = metadata.clientIDMetadataDocumentSupported ? ", or oauth2_client_metadata_url (an HTTPS URL of a client metadata document you host)" : ""
            throw SignInError(.noClient, server: server,
                              "\(metadata.issuer) offers no client registration; set oauth2_client_id (a client registered there with the redirect URI http://127.0.0.1/callback)\(cimd)")
        }
        let registration = try await SignInEndpoints(http: http).register(
            at: endpoint, redirectURI: listener.redirectURI, device: metadata.deviceAuthorizationEndpoint != nil,
            issuer: metadata.issuer, server: server)
        try await store.save(registration)
        return .init(id: registration.clientID, secret: registration.clientSecret, authMethod: registration.authMethod)
    }

    static func page(title: String, text: String) -> String {
        let escaped = text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
        return """
            <!doctype html><html><head><meta charset="utf-8"><title>lmg: \(title)</title></head>
            <body style="font-family: sans-serif; margin: 3em"><h1>\(title)</h1><p>\(escaped)</p></body></html>
            """
    }
}
