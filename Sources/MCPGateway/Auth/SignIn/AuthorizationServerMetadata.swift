import Foundation

/// What discovery learned about where a person signs in for one MCP server: the Protected
/// Resource Metadata (RFC 9728) and its authorization server's metadata (RFC 8414 / OpenID).
public struct AuthorizationServerMetadata: Sendable, Hashable, Codable {
    /// The authorization server's `issuer`; checked against the `iss` of authorization responses.
    public var issuer: String
    public var authorizationEndpoint: String?
    public var tokenEndpoint: String
    public var registrationEndpoint: String?
    public var revocationEndpoint: String?
    public var deviceAuthorizationEndpoint: String?
    /// Absent in the metadata means RFC 8414's default: `authorization_code` and `implicit`.
    public var grantTypesSupported: [String]?
    /// The MCP spec has clients refuse a server that lists none (no PKCE, no sign-in).
    public var codeChallengeMethodsSupported: [String]?
    public var scopesSupported: [String]?
    public var tokenEndpointAuthMethodsSupported: [String]?
    /// RFC 9207: the authorization response then carries `iss`, and a client must check it.
    public var authorizationResponseIssParameterSupported: Bool
    /// The Client ID Metadata Document draft the MCP spec adopts (a URL as `client_id`).
    public var clientIDMetadataDocumentSupported: Bool
    /// The resource server's own `scopes_supported` (RFC 9728), preferred over the AS's.
    public var resourceScopesSupported: [String]?

    /// Reads the two documents; nil without an issuer or token endpoint.
    init?(authorizationServer object: [String: Any], resourceMetadata prm: [String: Any], fallbackIssuer: String) {
        guard let tokenEndpoint = object["token_endpoint"] as? String else { return nil }
        func strings(_ key: String) -> [String]? { (object[key] as? [Any])?.compactMap { $0 as? String } }
        issuer = object["issuer"] as? String ?? fallbackIssuer
        authorizationEndpoint = object["authorization_endpoint"] as? String
        self.tokenEndpoint = tokenEndpoint
        registrationEndpoint = object["registration_endpoint"] as? String
        revocationEndpoint = object["revocation_endpoint"] as? String
        deviceAuthorizationEndpoint = object["device_authorization_endpoint"] as? String
        grantTypesSupported = strings("grant_types_supported")
        codeChallengeMethodsSupported = strings("code_challenge_methods_supported")
        scopesSupported = strings("scopes_supported")
        tokenEndpointAuthMethodsSupported = strings("token_endpoint_auth_methods_supported")
        authorizationResponseIssParameterSupported = object["authorization_response_iss_parameter_supported"] as? Bool ?? false
        clientIDMetadataDocumentSupported = object["client_id_metadata_document_supported"] as? Bool ?? false
        resourceScopesSupported = (prm["scopes_supported"] as? [Any])?.compactMap { $0 as? String }
    }

    /// Whether a person can sign in here: an authorization endpoint and the code grant.
    public var offersAuthorizationCode: Bool {
        authorizationEndpoint != nil && (grantTypesSupported ?? ["authorization_code", "implicit"]).contains("authorization_code")
    }

    /// Whether PKCE with S256 is advertised, which the MCP spec requires before any sign-in.
    public var supportsS256: Bool { codeChallengeMethodsSupported?.contains(PKCE.method) == true }
}
