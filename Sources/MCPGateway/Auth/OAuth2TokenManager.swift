import CurlHTTP
import Foundation
import Logging

/// Owns every OAuth2 token of the process: one cache entry per (token URL, client, scopes,
/// resource), renewed before expiry, one token request at a time per entry however many callers wait.
///
/// An actor because tokens are shared across servers and concurrent calls; the lifecycle of one
/// entry is the pure `OAuth2TokenState`, so this type only performs what the state decides.
/// Tokens never leave except through `accessToken(for:)`; status reads only the expiry.
public actor OAuth2TokenManager {
    /// The process-wide manager `MCPClientOptions` uses by default, so two server entries with the
    /// same client share one token and `refreshAll()` reaches every client.
    public static let shared = OAuth2TokenManager()

    private struct Entry {
        var state = OAuth2TokenState()
        /// The last credentials used for this key, so `refreshAll()` can renew without a caller.
        var credentials: OAuth2Credentials
        /// The fetch in flight; waiters await its value.
        var fetch: Task<String, any Error>?
    }

    private let endpoint: OAuth2TokenEndpoint
    private let discovery: OAuth2Discovery
    private let now: @Sendable () -> ContinuousClock.Instant
    private var entries: [OAuth2TokenKey: Entry] = [:]
    /// Token endpoints found by discovery, by MCP server URL.
    private var discovered: [String: String] = [:]
    /// Token requests sent, for benchmarks and status ("no token request per call").
    public private(set) var tokenRequestCount = 0

    private let logger: Logger

    /// `now` is injectable so tests can drive expiry without sleeping. The logger gets one debug
    /// line per token request and discovery (`lmg -v`), naming server, client and endpoint only.
    public init(
        http: HTTPClient = .shared, logger: Logger = Logger(label: "lmg.oauth2"),
        now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
    ) {
        self.endpoint = OAuth2TokenEndpoint(http: http)
        self.discovery = OAuth2Discovery(http: http)
        self.logger = logger
        self.now = now
    }

    // MARK: - Tokens

    /// A valid access token for `credentials`: the cached one, a renewed one, or the result of the
    /// fetch another caller already started. Throws `OAuth2Error`.
    public func accessToken(for credentials: OAuth2Credentials) async throws -> String {
        let key = credentials.key
        var entry = entries[key] ?? Entry(credentials: credentials)
        if entry.credentials != credentials {
            // Same key, other secret or method (a reloaded config): the old token proves nothing.
            if entry.credentials.clientSecret != credentials.clientSecret, entry.fetch == nil { entry.state.reset() }
            entry.credentials = credentials
        }
        let action = entry.state.tokenNeeded(now: now())
        entries[key] = entry
        switch resolve(action, key: key) {
        case .token(let token): return token
        case .fetch(let fetch): return try await fetch.value
        }
    }

    /// What an action comes to: a token now, or a fetch to await.
    private enum Resolution {
        case token(String)
        case fetch(Task<String, any Error>)
    }

    /// Turns the state's decision into a token or a fetch without suspending, so the state's
    /// "fetching" and the stored Task are always set together: a caller that is told to wait
    /// always finds the fetch to wait for.
    private func resolve(_ action: OAuth2TokenState.TokenAction, key: OAuth2TokenKey) -> Resolution {
        switch action {
        case .use(let token):
            return .token(token)
        case .waitForFetch:
            if let fetch = entries[key]?.fetch { return .fetch(fetch) }
            // Unreachable while the invariant holds; fetching anew beats failing a call.
            return .fetch(startFetch(key: key, grant: .clientCredentials))
        case .startFetch(let grant):
            return .fetch(startFetch(key: key, grant: grant))
        }
    }

    private func startFetch(key: OAuth2TokenKey, grant: OAuth2TokenState.Grant) -> Task<String, any Error> {
        // Unstructured on purpose: a caller that gives up must not cancel the fetch others wait for.
        let fetch = Task { try await self.runFetch(key: key, grant: grant) }
        entries[key]?.fetch = fetch
        return fetch
    }

    private func runFetch(key: OAuth2TokenKey, grant: OAuth2TokenState.Grant) async throws -> String {
        var grant = grant
        while true {
            guard let credentials = entries[key]?.credentials else { throw CancellationError() }
            let requestedAt = now()
            let requestedAtDate = Date()
            tokenRequestCount += 1
            do {
                let answer = try await endpoint.requestToken(credentials, grant: grant)
                let token = OAuth2TokenState.Token(
                    accessToken: answer.accessToken, refreshToken: answer.refreshToken, lifetime: answer.lifetime,
                    requestedAt: requestedAt, requestedAtDate: requestedAtDate)
                entries[key]?.state.fetchSucceeded(token)
                entries[key]?.fetch = nil
                logger.debug("OAuth2 token obtained", metadata: [
                    "server": "\(credentials.server)", "client": "\(key.clientID)", "endpoint": "\(key.tokenURL)",
                    "grant": "\(grant.name)", "expires_in": "\(answer.lifetime.map { "\(Int($0.seconds)) s" } ?? "unknown")",
                ])
                return answer.accessToken
            } catch {
                logger.debug("OAuth2 token request failed", metadata: [
                    "server": "\(credentials.server)", "grant": "\(grant.name)", "error": "\(error.detail)",
                ])
                switch entries[key]?.state.fetchFailed(oauthCode: error.code) ?? .fail {
                case .retry(let next):
                    grant = next
                case .fail:
                    entries[key]?.fetch = nil
                    throw error
                }
            }
        }
    }

    /// The MCP server rejected `rejectedToken` (the 401 path): stop using it. Returns whether a
    /// retry can carry another token; a token already replaced by another caller is left alone.
    public func invalidate(_ key: OAuth2TokenKey, rejectedToken: String?) -> Bool {
        guard entries[key] != nil else { return true }
        return entries[key]!.state.invalidate(rejected: rejectedToken)
    }

    /// Renews every cached token now (`MCPManager.refreshTokens()`), concurrently; returns the
    /// failures by key so the caller can report them per server.
    @discardableResult
    public func refreshAll() async -> [OAuth2TokenKey: OAuth2Error] {
        var fetches: [(OAuth2TokenKey, Task<String, any Error>, String)] = []
        for key in entries.keys {
            guard let action = entries[key]?.state.refreshRequested() else { continue }
            if case .fetch(let fetch) = resolve(action, key: key) {
                fetches.append((key, fetch, entries[key]!.credentials.server))
            }
        }
        var failures: [OAuth2TokenKey: OAuth2Error] = [:]
        // Each fetch already runs; awaiting them in turn costs no concurrency.
        for (key, fetch, server) in fetches {
            do {
                _ = try await fetch.value
            } catch let error as OAuth2Error {
                failures[key] = error
            } catch {
                failures[key] = OAuth2Error(
                    .unreachable, server: server, endpoint: key.tokenURL, detail: "token request to \(key.tokenURL) failed: \(error)")
            }
        }
        return failures
    }

    /// When the token for `key` expires, for status; nil when none is held. Never the token itself.
    public func expiry(for key: OAuth2TokenKey) -> Date? {
        entries[key]?.state.expiresAtDate
    }

    /// The expiry of the token a server entry uses, resolving a discovered token URL; nil when the
    /// server has no client credentials or holds no token yet.
    public func expiry(for config: MCPServerConfig) -> Date? {
        guard let credentials = credentials(for: config) else { return nil }
        return expiry(for: credentials.key)
    }

    /// The credentials a server entry maps to, once its token endpoint is known.
    public func credentials(for config: MCPServerConfig) -> OAuth2Credentials? {
        guard let id = config.oauth2ClientID, !id.isEmpty, let secret = config.oauth2ClientSecret, !secret.isEmpty,
              let resource = config.url,
              let tokenURL = config.oauth2TokenURL.flatMap({ $0.isEmpty ? nil : $0 }) ?? discovered[resource]
        else { return nil }
        return OAuth2Credentials(
            server: config.name, tokenURL: tokenURL, clientID: id, clientSecret: secret, scopes: config.oauth2Scopes,
            resource: resource, authMethod: config.oauth2AuthMethod)
    }

    // MARK: - Discovery

    /// The token endpoint discovery found earlier for the MCP server at `resource`.
    public func discoveredTokenEndpoint(for resource: String) -> String? {
        discovered[resource]
    }

    /// Runs discovery for the MCP server at `resource` from its 401 challenge and remembers the
    /// result, so later connections (and other entries for the same server) skip it.
    public func discoverTokenEndpoint(server: String, resource: String, challenge: String?) async throws -> String {
        if let known = discovered[resource] { return known }
        let found = try await discovery.tokenEndpoint(server: server, resource: resource, challenge: challenge)
        discovered[resource] = found
        logger.debug("OAuth2 token endpoint discovered", metadata: ["server": "\(server)", "endpoint": "\(found)"])
        return found
    }
}
