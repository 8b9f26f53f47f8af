import CurlHTTP
/// How the manager contains failures: retries, the circuit breaker, health checks. One value for
/// every server; a server entry may override the health-check interval.
public struct ManagerPolicy: Sendable, Hashable {
    /// Backoff for connecting, listing, reading and getting prompts, and for restarting a crashed server.
    public var retry: RetryPolicy
    /// Consecutive failures that open a server's breaker.
    public var breakerThreshold: Int
    /// How long an open breaker refuses calls before it lets one probe through.
    public var breakerCoolDown: Duration
    /// Ping interval for HTTP servers; nil turns health checks off. Stdio servers are checked only
    /// when their entry sets `health_check_interval`, since a dead process is noticed at once anyway.
    public var healthCheckInterval: Duration?

    public init(
        retry: RetryPolicy = .init(), breakerThreshold: Int = 5, breakerCoolDown: Duration = .seconds(30),
        healthCheckInterval: Duration? = .seconds(60)
    ) {
        self.retry = retry
        self.breakerThreshold = max(1, breakerThreshold)
        self.breakerCoolDown = breakerCoolDown
        self.healthCheckInterval = healthCheckInterval
    }

    /// The ping interval for `server`: its own setting (zero means off), else the default for its transport.
    public func healthCheckInterval(for server: MCPServerConfig) -> Duration? {
        if let own = server.healthCheckInterval { return own > .zero ? own : nil }
        return server.transport == .stdio ? nil : healthCheckInterval
    }
}
