/// Supplies the `Authorization` header for HTTP transports; OAuth2 and static tokens implement it.
public protocol RequestAuthorizer: Sendable {
    /// The header value for a request to `url` (e.g. `Bearer …`), or nil to send none.
    func authorization(for url: String) async throws -> String?
    /// The server answered 401: drop cached credentials. Returns true when a retry may succeed.
    func invalidate(challenge: String?) async -> Bool
    /// Same, knowing the `Authorization` value the rejected request carried, so an authorizer shared
    /// by concurrent requests drops only the credential that was refused, not its replacement.
    func invalidate(challenge: String?, rejected: String?) async -> Bool
    /// The server answered 403 `insufficient_scope`; true when a retry may succeed.
    func stepUp(challenge: String?) async -> Bool
}

extension RequestAuthorizer {
    /// The server answered 403 `insufficient_scope` (step-up authorization): true when a retry
    /// may succeed. Only a person's sign-in can widen its scopes; the others answer false.
    public func stepUp(challenge: String?) async -> Bool { false }

    /// Authorizers that hold a single credential need not tell rejections apart.
    public func invalidate(challenge: String?, rejected: String?) async -> Bool {
        await invalidate(challenge: challenge)
    }
}

/// A fixed bearer token (`oauth2_token`): nothing to refresh, so a 401 is final.
public struct StaticTokenAuthorizer: RequestAuthorizer {
    let token: String

    public init(token: String) {
        self.token = token
    }

    public func authorization(for url: String) async throws -> String? { "Bearer \(token)" }
    public func invalidate(challenge: String?) async -> Bool { false }
}
