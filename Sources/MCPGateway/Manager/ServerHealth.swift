import CurlHTTP
/// One server's failure bookkeeping as a pure value: before each request the manager asks
/// `admit`, and afterwards reports the outcome; the value says whether to send, refuse at once, or
/// restart the server first. Time is passed in, so tests need neither clocks nor servers.
public struct ServerHealth: Sendable, Hashable {
    /// What to do with a request.
    public enum Admission: Sendable, Hashable {
        /// Send it.
        case proceed
        /// (Re)connect the server first, then send.
        case restart
        /// Refuse at once: the breaker is open after repeated failures.
        case breakerOpen(retryAfter: Duration)
        /// Refuse at once: the server is down and the backoff after its last failed restart has not passed.
        case restartBackoff(retryAfter: Duration)
    }

    /// The server's circuit breaker.
    public private(set) var breaker: CircuitBreaker
    /// Failures in a row, of requests and restarts alike; a success resets it.
    public private(set) var consecutiveFailures = 0
    /// The latest failure, one line.
    public private(set) var lastError: String?
    /// Recent request latencies.
    public private(set) var latencies = LatencyWindow()
    /// Restarts that failed in a row; the backoff before the next one grows with it.
    public private(set) var failedRestarts = 0
    private var nextRestart: ContinuousClock.Instant?
    private let retry: RetryPolicy

    public init(policy: ManagerPolicy = .init()) {
        breaker = CircuitBreaker(threshold: policy.breakerThreshold, coolDown: policy.breakerCoolDown)
        retry = policy.retry
    }

    /// Decides for a request; `connected` says whether the server's connection is alive.
    /// A `.proceed` or `.restart` while half-open claims the breaker's single probe.
    public mutating func admit(connected: Bool, now: ContinuousClock.Instant) -> Admission {
        if !connected, let nextRestart, now < nextRestart {
            return .restartBackoff(retryAfter: nextRestart - now)
        }
        switch breaker.decide(now: now) {
        case .reject(let retryAfter): return .breakerOpen(retryAfter: retryAfter)
        case .proceed: return connected ? .proceed : .restart
        }
    }

    /// A request (or a restart) succeeded.
    public mutating func succeeded(latency: Duration? = nil) {
        breaker.recordSuccess()
        consecutiveFailures = 0
        failedRestarts = 0
        nextRestart = nil
        if let latency { latencies.record(latency) }
    }

    /// The server failed a request: a transport error, a timeout, a broken answer.
    public mutating func failed(_ message: String, now: ContinuousClock.Instant) {
        breaker.recordFailure(now: now)
        consecutiveFailures += 1
        lastError = message
    }

    /// A (re)connect failed: the next one waits a full-jitter backoff that grows with each failure.
    public mutating func restartFailed(_ message: String, now: ContinuousClock.Instant, using generator: inout some RandomNumberGenerator) {
        failed(message, now: now)
        nextRestart = now + retry.delay(forRetry: failedRestarts, using: &generator)
        failedRestarts += 1
    }

    /// The same with the system generator.
    public mutating func restartFailed(_ message: String, now: ContinuousClock.Instant) {
        var generator = SystemRandomNumberGenerator()
        restartFailed(message, now: now, using: &generator)
    }

    /// A request ended without a verdict on the server (the caller cancelled it): a claimed
    /// half-open probe is handed back, so the breaker does not wait forever for its result.
    public mutating func abandoned() {
        breaker.releaseProbe()
    }

    /// True when recent requests failed or the breaker is not closed: the server is up but not well.
    public var isDegraded: Bool {
        consecutiveFailures > 0 || breaker.label != "closed"
    }
}
