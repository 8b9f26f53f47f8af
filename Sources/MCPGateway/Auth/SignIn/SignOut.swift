import CurlHTTP

/// Ending a sign-in: revoked at the authorization server when it offers RFC 7009, forgotten
/// here either way. A refused revocation keeps the tokens, so the person can try again rather
/// than leave live tokens behind unknowingly.
public enum SignOut {
    /// What happened.
    public enum Outcome: Sendable, Equatable {
        /// There was no sign-in for the server.
        case notSignedIn
        /// Revoked at this endpoint and forgotten.
        case revoked(endpoint: String)
        /// The server offers no revocation: forgotten here, valid there until it expires.
        case forgotten
    }

    public static func run(_ config: MCPServerConfig, store: any SignInStore, http: HTTPClient = .shared) async throws(SignInError) -> Outcome {
        guard let resource = config.url, let record = try await store.signIn(resource: resource, clientID: nil) else { return .notSignedIn }
        let revoked = try await SignInEndpoints(http: http).revoke(record, server: config.name)
        try await store.removeSignIn(resource: resource)
        return revoked ? .revoked(endpoint: record.revocationEndpoint ?? record.issuer) : .forgotten
    }
}
