import Foundation

/// A snapshot of one server for `lmg servers`, `/servers` and apps. Never holds a secret: no
/// header values, no tokens, only when the current token expires.
public struct ServerStatus: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Codable, CaseIterable {
        /// Starting or (re)connecting.
        case connecting
        /// Connected, and its latest requests succeeded.
        case ready
        /// Connected, but recent requests failed or its breaker is not closed.
        case degraded
        /// Not connected: the connection failed or the process died; the next use retries within backoff.
        case failed
        /// `enabled: false` in the configuration.
        case disabled
        /// Shut down.
        case closed
    }

    public var name: String
    public var transport: String
    public var state: State
    /// The URL or command line (no header values, no tokens).
    public var endpoint: String
    public var protocolVersion: String?
    /// `modern` (2026-07-28 and later: no session) or `legacy` (a session opened by `initialize`).
    public var era: ProtocolEra?
    public var serverName: String?
    public var serverVersion: String?
    public var tools: Int?
    /// The last failure, one line.
    public var error: String?
    /// The latest request's latency and the median of recent ones, in milliseconds.
    public var lastLatencyMs: Double?
    public var p50LatencyMs: Double?
    /// Failures in a row (requests and restarts).
    public var consecutiveFailures: Int
    /// "closed", "open" or "half-open".
    public var circuit: String
    /// When the current OAuth2 access token expires (never the token itself).
    public var tokenExpiresAt: Date?

    public init(
        name: String, transport: String, state: State, endpoint: String, protocolVersion: String? = nil,
        era: ProtocolEra? = nil, serverName: String? = nil, serverVersion: String? = nil, tools: Int? = nil, error: String? = nil,
        lastLatencyMs: Double? = nil, p50LatencyMs: Double? = nil, consecutiveFailures: Int = 0,
        circuit: String = "closed", tokenExpiresAt: Date? = nil
    ) {
        self.name = name
        self.transport = transport
        self.state = state
        self.endpoint = endpoint
        self.protocolVersion = protocolVersion
        self.era = era
        self.serverName = serverName
        self.serverVersion = serverVersion
        self.tools = tools
        self.error = error
        self.lastLatencyMs = lastLatencyMs
        self.p50LatencyMs = p50LatencyMs
        self.consecutiveFailures = consecutiveFailures
        self.circuit = circuit
        self.tokenExpiresAt = tokenExpiresAt
    }

    /// True when the server can take calls now (ready or degraded).
    public var isUsable: Bool { state == .ready || state == .degraded }
}
