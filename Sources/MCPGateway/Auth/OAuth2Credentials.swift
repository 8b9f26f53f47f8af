import Foundation

/// What identifies one cached token: tokens are shared by every server entry that asks for the same
/// thing, and never across different clients, scopes or audiences.
///
/// The secret is not part of the key on purpose: keys are logged and shown in status.
public struct OAuth2TokenKey: Sendable, Hashable, CustomStringConvertible {
    /// The token endpoint, configured or discovered.
    public var tokenURL: String
    /// Tokens of different clients never mix, even for the same server.
    public var clientID: String
    /// Requested scopes, in configuration order (order is kept: it is what the server sees).
    public var scopes: [String]
    /// The RFC 8707 `resource` the token is bound to: the MCP server's URL.
    public var resource: String?

    /// Built by hand when asking the manager about a key it was not handed credentials for (status).
    public init(tokenURL: String, clientID: String, scopes: [String], resource: String?) {
        self.tokenURL = tokenURL
        self.clientID = clientID
        self.scopes = scopes
        self.resource = resource
    }

    /// Safe to print: no secret, no token.
    public var description: String {
        "client '\(clientID)' at \(tokenURL)" + (scopes.isEmpty ? "" : " scopes '\(scopes.joined(separator: " "))'")
            + (resource.map { " for \($0)" } ?? "")
    }
}

/// Everything needed to ask a token endpoint for a client-credentials token on behalf of one MCP server.
///
/// Carries the secret, so it deliberately has no `description` that prints fields.
public struct OAuth2Credentials: Sendable, Hashable, CustomStringConvertible {
    /// The MCP server's name from the config; errors name it.
    public var server: String
    /// Where tokens come from: `oauth2_token_url`, or what discovery found.
    public var tokenURL: String
    /// `oauth2_client_id`; part of the cache key.
    public var clientID: String
    /// `oauth2_client_secret`; sent only to the token endpoint, never printed.
    public var clientSecret: String
    /// `oauth2_scopes`, sent space-separated; part of the cache key.
    public var scopes: [String]
    /// The RFC 8707 `resource` (the MCP server URL), so the token is valid there and nowhere else.
    public var resource: String?
    /// Basic header or form fields, as the token endpoint accepts.
    public var authMethod: OAuth2ClientAuthMethod

    /// Library users can ask the manager for tokens for endpoints lmg's config does not describe.
    public init(
        server: String, tokenURL: String, clientID: String, clientSecret: String, scopes: [String] = [],
        resource: String? = nil, authMethod: OAuth2ClientAuthMethod = .clientSecretBasic
    ) {
        self.server = server
        self.tokenURL = tokenURL
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.scopes = scopes
        self.resource = resource
        self.authMethod = authMethod
    }

    /// The cache key these credentials map to.
    public var key: OAuth2TokenKey {
        OAuth2TokenKey(tokenURL: tokenURL, clientID: clientID, scopes: scopes, resource: resource)
    }

    /// Never the secret: credentials end up in string interpolations more often than anyone intends.
    public var description: String { "OAuth2Credentials(server: '\(server)', \(key))" }
}
