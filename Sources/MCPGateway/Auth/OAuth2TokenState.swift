import Foundation

/// The lifecycle of one cached token as a pure value: given the time and an event, it says what to do.
///
/// Kept free of I/O and clocks so every path (refresh before expiry, single-flight, refresh-token
/// fallback, 401 invalidation) is tested by feeding instants, the way async-http-client keeps its
/// connection logic in state machines. `OAuth2TokenManager` owns one per key and performs the actions.
struct OAuth2TokenState: Sendable, Equatable {
    typealias Instant = ContinuousClock.Instant

    /// Which grant a fetch uses.
    enum Grant: Sendable, Equatable {
        case clientCredentials
        case refreshToken(String)

        /// The `grant_type`, for logs (never the refresh token).
        var name: String {
            switch self {
            case .clientCredentials: return "client_credentials"
            case .refreshToken: return "refresh_token"
            }
        }
    }

    /// A token as the state machine needs it: when to refresh, when it is gone.
    struct Token: Sendable, Equatable {
        var accessToken: String
        var refreshToken: String?
        /// From here on the token is renewed before use; nil when the server gave no lifetime.
        var refreshAt: Instant?
        var expiresAt: Instant?
        /// Wall-clock expiry for status displays (the monotonic instant cannot be shown).
        var expiresAtDate: Date?

        /// `lifetime` counts from when the request was sent, so network time only ever shortens it.
        init(accessToken: String, refreshToken: String?, lifetime: Duration?, requestedAt: Instant, requestedAtDate: Date) {
            self.accessToken = accessToken
            self.refreshToken = refreshToken
            if let lifetime {
                expiresAt = requestedAt + lifetime
                refreshAt = requestedAt + lifetime - Self.skew(lifetime: lifetime)
                expiresAtDate = requestedAtDate.addingTimeInterval(lifetime.seconds)
            }
        }

        /// The smaller of 60 s and a tenth of the lifetime: long tokens renew a minute early,
        /// short ones early enough that a request in flight does not outlive them.
        static func skew(lifetime: Duration) -> Duration {
            min(.seconds(60), lifetime / 10)
        }
    }

    /// What a caller asking for a token should do.
    enum TokenAction: Sendable, Equatable {
        /// The cached token is good.
        case use(String)
        /// Nobody is fetching: this caller starts a fetch with this grant.
        case startFetch(Grant)
        /// A fetch is already running: wait for its result instead of starting another.
        case waitForFetch
    }

    /// What to do after a fetch failed.
    enum FailureAction: Sendable, Equatable {
        /// Try again at once with this grant (the fetch stays in flight for waiters).
        case retry(Grant)
        /// Give the error to the caller and every waiter.
        case fail
    }

    private(set) var token: Token?
    /// The grant of the fetch in flight, if one is.
    private(set) var fetching: Grant?
    /// The cached token may not be used (rejected by a 401, or a refresh was forced); its refresh
    /// token may still be.
    private(set) var stale = false

    /// A caller needs a token at `now`.
    mutating func tokenNeeded(now: Instant) -> TokenAction {
        if fetching != nil { return .waitForFetch }
        if let token, !stale, token.refreshAt.map({ now < $0 }) ?? true {
            return .use(token.accessToken)
        }
        return startFetch()
    }

    /// Renew now regardless of expiry (`refreshAll`); joins a fetch already running.
    mutating func refreshRequested() -> TokenAction {
        if fetching != nil { return .waitForFetch }
        stale = true
        return startFetch()
    }

    private mutating func startFetch() -> TokenAction {
        let grant: Grant = token?.refreshToken.map { .refreshToken($0) } ?? .clientCredentials
        fetching = grant
        return .startFetch(grant)
    }

    /// The fetch brought `new`. A refresh answer without a refresh token keeps the old one (RFC 6749 §6).
    mutating func fetchSucceeded(_ new: Token) {
        var new = new
        if new.refreshToken == nil, case .refreshToken(let old)? = fetching {
            new.refreshToken = old
        }
        token = new
        stale = false
        fetching = nil
    }

    /// The fetch failed; `oauthCode` is the token endpoint's `error`, when it sent one.
    ///
    /// A refresh token the server no longer accepts (`invalid_grant`) is dropped and a fresh
    /// client-credentials grant is tried; anything else fails the callers.
    mutating func fetchFailed(oauthCode: String?) -> FailureAction {
        if case .refreshToken? = fetching, oauthCode == "invalid_grant" {
            token?.refreshToken = nil
            fetching = .clientCredentials
            return .retry(.clientCredentials)
        }
        fetching = nil
        return .fail
    }

    /// The MCP server answered 401 to a request that carried `rejected` (nil: unknown or none).
    ///
    /// Returns whether a retry can carry a different token. A rejection of a token that was already
    /// replaced changes nothing, so twenty requests failing with one revoked token cause one fetch.
    mutating func invalidate(rejected: String?) -> Bool {
        if fetching != nil { return true }
        guard let token else { return true }
        if let rejected, rejected != token.accessToken { return true }
        stale = true
        return true
    }

    /// Forget everything, e.g. when the credentials changed.
    mutating func reset() {
        token = nil
        stale = false
        fetching = nil
    }

    /// When the current token expires, for status; nil when none is held or it has no lifetime.
    var expiresAtDate: Date? { stale ? nil : token?.expiresAtDate }
}

extension Duration {
    /// Seconds as a Double, for Date arithmetic.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
