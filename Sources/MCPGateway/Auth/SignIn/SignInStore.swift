import Foundation

/// One person's sign-in to one MCP server: the tokens, and what is needed to renew and revoke
/// them without discovery. Never printable: its description shows neither token nor secret.
public struct SignInRecord: Sendable, Hashable, Codable, CustomStringConvertible, CustomReflectable {
    /// The MCP server's URL (the tokens' RFC 8707 resource); with `clientID`, the record's key.
    public var resource: String
    public var issuer: String
    public var clientID: String
    /// Set for a confidential client (configured, or registered with a secret).
    public var clientSecret: String?
    /// How the client authenticates at the token endpoint: `none`, `client_secret_basic`, `client_secret_post`.
    public var authMethod: String
    public var tokenEndpoint: String
    public var revocationEndpoint: String?
    public var accessToken: String
    public var refreshToken: String?
    public var expiresAt: Date?
    /// When the current access token was asked for: with `expiresAt`, its lifetime.
    public var issuedAt: Date?
    public var scopes: [String]
    /// Scopes a server asked for beyond `scopes` (403 `insufficient_scope`): the next sign-in asks for them too.
    public var requiredScopes: [String]?
    public var signedInAt: Date

    /// The file's names for the fields (snake case, as OAuth spells them).
    enum CodingKeys: String, CodingKey {
        case resource, issuer, scopes
        case clientID = "client_id", clientSecret = "client_secret", authMethod = "auth_method"
        case tokenEndpoint = "token_endpoint", revocationEndpoint = "revocation_endpoint"
        case accessToken = "access_token", refreshToken = "refresh_token", expiresAt = "expires_at", issuedAt = "issued_at"
        case signedInAt = "signed_in_at", requiredScopes = "required_scopes"
    }

    public init(
        resource: String, issuer: String, clientID: String, clientSecret: String?, authMethod: String, tokenEndpoint: String,
        revocationEndpoint: String?, accessToken: String, refreshToken: String?, expiresAt: Date?, issuedAt: Date? = nil,
        scopes: [String], signedInAt: Date = Date()
    ) {
        self.resource = resource
        self.issuer = issuer
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.authMethod = authMethod
        self.tokenEndpoint = tokenEndpoint
        self.revocationEndpoint = revocationEndpoint
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.expiresAt = expiresAt
        self.issuedAt = issuedAt
        self.scopes = scopes
        self.signedInAt = signedInAt
    }

    /// Whether the access token should be renewed now: within the smaller of 60 s and a tenth
    /// of its lifetime of expiring (so a token that lives 2 s is not renewed on every request).
    public func needsRenewal(now: Date = Date()) -> Bool {
        guard let expiresAt else { return false }
        let lifetime = issuedAt.map { expiresAt.timeIntervalSince($0) } ?? 600
        return expiresAt.timeIntervalSince(now) < min(60, max(0, lifetime) / 10)
    }

    public var description: String {
        "SignInRecord(resource: \(resource), client: \(clientID), scopes: \(scopes), expires: \(expiresAt.map { "\($0)" } ?? "unknown"), tokens: <redacted>)"
    }

    public var customMirror: Mirror {
        Mirror(self, children: ["resource": resource, "issuer": issuer, "clientID": clientID, "scopes": scopes], displayStyle: .struct)
    }
}

/// A client lmg registered itself at an authorization server (RFC 7591), kept so the next
/// sign-in reuses it instead of registering again.
public struct ClientRegistration: Sendable, Hashable, Codable, CustomStringConvertible, CustomReflectable {
    public var issuer: String
    public var clientID: String
    public var clientSecret: String?
    public var authMethod: String
    /// The loopback redirect registered; later sign-ins listen on its port when it is free.
    public var redirectURI: String
    public var registeredAt: Date

    enum CodingKeys: String, CodingKey {
        case issuer
        case clientID = "client_id", clientSecret = "client_secret", authMethod = "auth_method"
        case redirectURI = "redirect_uri", registeredAt = "registered_at"
    }

    public init(issuer: String, clientID: String, clientSecret: String?, authMethod: String, redirectURI: String, registeredAt: Date = Date()) {
        self.issuer = issuer
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.authMethod = authMethod
        self.redirectURI = redirectURI
        self.registeredAt = registeredAt
    }

    public var description: String { "ClientRegistration(issuer: \(issuer), client: \(clientID), secret: <redacted>)" }

    public var customMirror: Mirror { Mirror(self, children: ["issuer": issuer, "clientID": clientID], displayStyle: .struct) }
}

/// Where sign-ins and registrations are kept. ``FileSignInStore`` is lmg's (one 0600 file);
/// an app may keep them in the OS keychain or a database instead.
public protocol SignInStore: Sendable {
    /// The sign-in for the MCP server at `resource`; with `clientID`, only one made with that client.
    func signIn(resource: String, clientID: String?) async throws(SignInError) -> SignInRecord?
    /// Every sign-in, for status (`lmg auth`).
    func signIns() async throws(SignInError) -> [SignInRecord]
    /// Inserts or replaces the sign-in of `record.resource` (one per server).
    func save(_ record: SignInRecord) async throws(SignInError)
    /// Forgets the sign-in of `resource`; true when there was one.
    @discardableResult
    func removeSignIn(resource: String) async throws(SignInError) -> Bool
    /// The registration lmg holds at `issuer`.
    func registration(issuer: String) async throws(SignInError) -> ClientRegistration?
    func save(_ registration: ClientRegistration) async throws(SignInError)
}

/// Sign-ins in memory only: for tests and for apps that sign in once per run.
public actor MemorySignInStore: SignInStore {
    private var records: [String: SignInRecord] = [:]
    private var registrations: [String: ClientRegistration] = [:]

    public init() {}

    public func signIn(resource: String, clientID: String?) throws(SignInError) -> SignInRecord? {
        records[resource].flatMap { clientID == nil || $0.clientID == clientID ? $0 : nil }
    }
    public func signIns() throws(SignInError) -> [SignInRecord] { records.values.sorted { $0.resource < $1.resource } }
    public func save(_ record: SignInRecord) throws(SignInError) { records[record.resource] = record }
    public func removeSignIn(resource: String) throws(SignInError) -> Bool { records.removeValue(forKey: resource) != nil }
    public func registration(issuer: String) throws(SignInError) -> ClientRegistration? { registrations[issuer] }
    public func save(_ registration: ClientRegistration) throws(SignInError) { registrations[registration.issuer] = registration }
}
