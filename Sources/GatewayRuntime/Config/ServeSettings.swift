import CurlHTTP
import Foundation

/// The `server` section: where and how `lmg serve` listens, and who may call it.
public struct ServeSettings: Sendable, Hashable {
    /// Loopback by default: the gateway reaches every configured server.
    public var host: String = "127.0.0.1"
    public var port: Int = 8000
    /// A larger request body is refused with 413.
    public var maxBodyBytes: Int = 4 << 20
    /// How long requests in flight may take to finish after SIGTERM or SIGINT.
    public var gracePeriod: Duration = .seconds(10)
    /// A connection with no request in flight (or one whose request stops arriving) is closed
    /// after this long (`idle_timeout`): idle, half-open and stalled connections do not pile up.
    public var idleTimeout: Duration = .seconds(60)
    /// A request body must arrive within this long (`body_timeout`), else 408 and the connection
    /// closes: a body trickled in to hold a connection open is cut off.
    public var bodyTimeout: Duration = .seconds(30)
    /// Bearer keys (`api_keys`); none means no authentication, allowed on loopback only.
    public var apiKeys: [APIKey] = []
    /// Requests per key (`rate_limit`); nil: unlimited.
    public var rateLimit: RateLimit?
    /// Whether servers added over HTTP may be stdio commands (`allow_stdio_servers`): off,
    /// because otherwise an admin key could run any program on this machine.
    public var allowStdioServers = false
    /// When set (`allowed_url_hosts`), servers added over HTTP may only use these hosts.
    public var allowedURLHosts: [String]?
    /// Where servers added over HTTP are kept across restarts (`store`).
    public var store: ServerStoreLocation = .standard
    /// Whether `GET /metrics` needs no key even when `api_keys` are set (`metrics_public`): for
    /// Prometheus scrapers that send none. It shows server and tool names and counts, never a secret.
    public var metricsPublic = false
    /// How long a sealed `/mcp` session id is accepted after its `initialize`
    /// (`session_lifetime`; only with `LMG_SESSION_KEY`, since such an id cannot be revoked everywhere).
    public var sessionLifetime: Duration = .seconds(86_400)

    public init() {}

    /// The store's file for `store` (``RuntimeEnvironment/serverStorePath`` when not set);
    /// nil for `"memory"`, which keeps nothing.
    public func storePath(in environment: RuntimeEnvironment) -> String? {
        switch store {
        case .standard: return environment.serverStorePath
        case .file(let path): return path
        case .memory, .postgres: return nil
        }
    }

    /// True for 127.0.0.0/8, ::1 and `localhost`: the only binds allowed without API keys.
    public static func isLoopback(_ host: String) -> Bool {
        let lower = host.lowercased()
        if lower == "localhost" || lower == "::1" || lower == "[::1]" { return true }
        let parts = lower.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}

/// `server.store`: a SQLite file that keeps servers added over HTTP, a PostgreSQL database
/// replicas share, or nothing at all.
public enum ServerStoreLocation: Sendable, Hashable {
    /// Not set: `$XDG_STATE_HOME/lmg/servers.sqlite` (`~/.local/state/lmg/servers.sqlite`).
    case standard
    /// A path (`${VAR}` expanded; a relative one is relative to the working directory).
    case file(String)
    /// `"memory"`: servers added over HTTP last until the process ends.
    case memory
    /// A PostgreSQL database several replicas share (`postgres://…`).
    case postgres(PostgresStoreURL)
}

/// One API key of `server.api_keys`: who holds it and what it may do.
///
/// The key itself never prints: not in interpolation, `dump`, logs (which name the key) or answers.
public struct APIKey: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// What a key may do.
    public enum Role: String, Sendable, Hashable, CaseIterable {
        /// List, call, read, get.
        case user
        /// Also refresh tokens (and, to come, add, replace and remove servers).
        case admin
    }

    /// The bearer token clients send.
    public var key: String
    /// Names the key in access logs and errors.
    public var name: String
    public var role: Role
    /// The servers it may see and call; nil: all.
    public var servers: [String]?
    /// Globs (`*`, `?`) over tool names or qualified names it may see and call; nil: all.
    public var tools: [String]?

    public init(key: String, name: String, role: Role = .user, servers: [String]? = nil, tools: [String]? = nil) {
        (self.key, self.name, self.role, self.servers, self.tools) = (key, name, role, servers, tools)
    }

    public var description: String { "APIKey(name: \(name), role: \(role.rawValue), key: \(Redaction.placeholder))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: ["name": name, "role": role, "key": Redaction.placeholder, "servers": servers as Any, "tools": tools as Any],
               displayStyle: .struct)
    }
}

/// A token bucket per key: `burst` requests at once, refilled at `perSecond`.
public struct RateLimit: Sendable, Hashable {
    public var perSecond: Double
    public var burst: Int

    public init(perSecond: Double, burst: Int) {
        self.perSecond = perSecond
        self.burst = max(1, burst)
    }
}
