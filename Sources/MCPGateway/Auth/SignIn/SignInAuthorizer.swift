import CurlHTTP
import Foundation

/// The `RequestAuthorizer` of an HTTP server a person signs in to: the stored access token,
/// refreshed shortly before it expires (a rotated refresh token is saved at once), and on a 401
/// one refresh before giving up.
///
/// Without a sign-in it sends no token, and the server's 401 becomes "run `lmg login SERVER`".
/// A refresh token the server rejects ends the sign-in (it is forgotten), so lmg asks for a new
/// one instead of retrying forever.
public actor SignInAuthorizer: RequestAuthorizer {
    public let server: String
    public let resource: String
    let clientID: String?
    let store: any SignInStore
    let endpoints: SignInEndpoints
    /// The record in use; reloaded from the store after a rejection (another process may have
    /// signed in or refreshed meanwhile).
    private var record: SignInRecord?
    private var loaded = false
    /// The reason the next request must not be sent, set by a 401 without a usable sign-in.
    private var pendingFailure: SignInError?
    private var refreshing: Task<SignInRecord?, Never>?

    public init(config: MCPServerConfig, store: any SignInStore, http: HTTPClient = .shared) {
        server = config.name
        resource = config.url ?? ""
        clientID = config.oauth2ClientID.flatMap { $0.isEmpty ? nil : $0 }
        self.store = store
        endpoints = SignInEndpoints(http: http)
    }

    public func authorization(for url: String) async throws -> String? {
        if let failure = pendingFailure {
            pendingFailure = nil
            throw TransportError(.unauthorized, server: server, failure.detail, requestWasNotSent: true)
        }
        if !loaded { try await reload() }
        guard var current = record else { return nil }
        if current.needsRenewal(), current.refreshToken != nil {
            guard let renewed = await refresh(current) else {
                throw TransportError(.unauthorized, server: server, SignInError.required(server, why: "its sign-in has expired").detail, requestWasNotSent: true)
            }
            current = renewed
        }
        return "Bearer " + current.accessToken
    }

    public func invalidate(challenge: String?) async -> Bool {
        await invalidate(challenge: challenge, rejected: nil)
    }

    /// The server refused the token: another process's newer token, else one refresh, else the
    /// next request fails with the line that says to sign in.
    public func invalidate(challenge: String?, rejected: String?) async -> Bool {
        let sent = rejected.flatMap { $0.lowercased().hasPrefix("bearer ") ? String($0.dropFirst(7)) : nil }
        try? await reload()
        // A token we did not send (forwarded from a gateway's caller) is the caller's to fix.
        if record == nil, sent != nil { return false }
        if let record, record.accessToken != sent { return true }
        if let record, record.refreshToken != nil, await refresh(record) != nil { return true }
        pendingFailure = .required(server, why: self.record == nil ? "needs you to sign in" : "refused its sign-in")
        return true
    }

    /// A 403 `insufficient_scope`: the scopes it names are kept with the sign-in, so the next
    /// `lmg login` asks for them too, and the request fails once with the line that says so
    /// (asking again unchanged would only draw the same 403).
    public func stepUp(challenge: String?) async -> Bool {
        let wanted = BearerChallenge(header: challenge)?.scope?.split(separator: " ").map(String.init) ?? []
        try? await reload()
        if var record {
            let missing = wanted.filter { !record.scopes.contains($0) }
            record.requiredScopes = Array(Set((record.requiredScopes ?? []) + missing)).sorted()
            try? await store.save(record)
            self.record = record
        }
        let scope = wanted.isEmpty ? "" : " (scope \(wanted.joined(separator: " ")))"
        pendingFailure = .required(server, why: "needs more access than its sign-in grants\(scope)")
        return true
    }

    private func reload() async throws {
        do {
            record = try await store.signIn(resource: resource, clientID: clientID)
            loaded = true
        } catch {
            throw TransportError(.unauthorized, server: server, error.description, requestWasNotSent: true)
        }
    }

    /// One refresh at a time; concurrent callers share it. Nil when the sign-in is over.
    private func refresh(_ stale: SignInRecord) async -> SignInRecord? {
        if let refreshing { return await refreshing.value }
        let task = Task { await self.performRefresh(stale) }
        refreshing = task
        let result = await task.value
        refreshing = nil
        return result
    }

    private func performRefresh(_ stale: SignInRecord) async -> SignInRecord? {
        // Another process may have refreshed already: its tokens are the current ones.
        if let stored = try? await store.signIn(resource: resource, clientID: clientID), stored.accessToken != stale.accessToken,
           !stored.needsRenewal() {
            record = stored
            return stored
        }
        do {
            let tokens = try await endpoints.refresh(stale, server: server)
            var renewed = stale
            renewed.accessToken = tokens.accessToken
            renewed.refreshToken = tokens.refreshToken
            renewed.expiresAt = tokens.expiresAt
            renewed.issuedAt = tokens.issuedAt
            try await store.save(renewed)
            record = renewed
            return renewed
        } catch let error where error.kind == .refused(code: "invalid_grant") {
            // The refresh token is dead: forget the sign-in so the next attempt asks for a new one.
            _ = try? await store.removeSignIn(resource: resource)
            record = nil
            return nil
        } catch {
            return nil
        }
    }
}
