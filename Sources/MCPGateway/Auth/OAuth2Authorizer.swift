import Foundation
import Locking

/// The `RequestAuthorizer` for a server with client credentials: asks the shared
/// `OAuth2TokenManager` for a token per request, and on a 401 either drops the rejected token or,
/// with no token endpoint configured, runs discovery from the challenge.
///
/// One per transport; all state worth keeping lives in the manager, so reconnecting loses nothing.
public final class OAuth2Authorizer: RequestAuthorizer {
    /// The config's name for the server: every error names it.
    public let server: String
    /// The MCP server URL: the RFC 8707 `resource`, and where discovery starts.
    public let resource: String
    let clientID: String
    let clientSecret: String
    let scopes: [String]
    let authMethod: OAuth2ClientAuthMethod
    /// The configured `oauth2_token_url`; nil means discover it.
    let configuredTokenURL: String?
    let manager: OAuth2TokenManager
    /// A discovery failure waiting to be thrown by the next `authorization(for:)`, which is the
    /// only place the transport lets an error out (`invalidate` answers a Bool).
    private let pendingFailure = Locked<OAuth2Error?>(nil)

    /// Nil unless the entry has a URL, a client id and a secret (after the environment convention).
    public init?(config: MCPServerConfig, manager: OAuth2TokenManager) {
        guard let id = config.oauth2ClientID, !id.isEmpty, let secret = config.oauth2ClientSecret, !secret.isEmpty,
              let url = config.url, !url.isEmpty
        else { return nil }
        server = config.name
        resource = url
        clientID = id
        clientSecret = secret
        scopes = config.oauth2Scopes
        authMethod = config.oauth2AuthMethod
        configuredTokenURL = config.oauth2TokenURL.flatMap { $0.isEmpty ? nil : $0 }
        self.manager = manager
    }

    func credentials(tokenURL: String) -> OAuth2Credentials {
        OAuth2Credentials(
            server: server, tokenURL: tokenURL, clientID: clientID, clientSecret: clientSecret, scopes: scopes,
            resource: resource, authMethod: authMethod)
    }

    func tokenURL() async -> String? {
        if let configuredTokenURL { return configuredTokenURL }
        return await manager.discoveredTokenEndpoint(for: resource)
    }

    /// `Bearer <token>`; nil before discovery, so the first request draws the 401 that names the metadata.
    public func authorization(for url: String) async throws -> String? {
        if let failure = pendingFailure.withLock({ failure in defer { failure = nil }; return failure }) {
            throw TransportError(.unauthorized, server: server, failure.detail, requestWasNotSent: true)
        }
        guard let tokenURL = await tokenURL() else { return nil }
        do {
            return "Bearer " + (try await manager.accessToken(for: credentials(tokenURL: tokenURL)))
        } catch let error as OAuth2Error {
            throw TransportError(.unauthorized, server: server, error.detail, requestWasNotSent: true)
        }
    }

    /// Without a rejected value, any cached token for this client is dropped.
    public func invalidate(challenge: String?) async -> Bool {
        await invalidate(challenge: challenge, rejected: nil)
    }

    /// Drops the token the server rejected, or discovers the token endpoint when none is known yet.
    public func invalidate(challenge: String?, rejected: String?) async -> Bool {
        if let tokenURL = await tokenURL() {
            let token = rejected.flatMap { value in
                value.lowercased().hasPrefix("bearer ") ? String(value.dropFirst(7)) : nil
            }
            return await manager.invalidate(credentials(tokenURL: tokenURL).key, rejectedToken: token)
        }
        do {
            _ = try await manager.discoverTokenEndpoint(server: server, resource: resource, challenge: challenge)
        } catch let error as OAuth2Error {
            pendingFailure.withLock { $0 = error }
        } catch {
            pendingFailure.withLock {
                $0 = OAuth2Error(.discoveryFailed, server: server, endpoint: resource, detail: "OAuth discovery failed: \(error)")
            }
        }
        return true
    }
}
