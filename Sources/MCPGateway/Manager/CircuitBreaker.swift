/// Per-server circuit breaker as a pure value: callers ask before each request and report the
/// outcome; the value says what to do. Time is passed in, so tests need no clock.
///
/// Closed: requests flow; `threshold` consecutive failures open it. Open: requests are refused at
/// once until `coolDown` has passed. Half-open: one probe request is let through; its success
/// closes the breaker, its failure opens it again.
public struct CircuitBreaker: Sendable, Hashable {
    /// Where the breaker stands.
    public enum State: Sendable, Hashable {
        case closed(consecutiveFailures: Int)
        case open(until: ContinuousClock.Instant)
        case halfOpen(probeInFlight: Bool)
    }

    /// What the caller should do with a request.
    public enum Decision: Sendable, Hashable {
        case proceed
        /// Refuse at once; the breaker may let a probe through after `retryAfter`.
        case reject(retryAfter: Duration)
    }

    /// Consecutive failures that open it.
    public var threshold: Int
    /// How long it stays open before a probe.
    public var coolDown: Duration
    /// The current state.
    public private(set) var state: State = .closed(consecutiveFailures: 0)

    public init(threshold: Int = 5, coolDown: Duration = .seconds(30)) {
        self.threshold = max(1, threshold)
        self.coolDown = coolDown
    }

    /// Call before sending; `.proceed` in half-open state claims the single probe.
    public mutating func decide(now: ContinuousClock.Instant) -> Decision {
        switch state {
        case .closed:
            return .proceed
        case .open(let until):
            if now >= until {
                state = .halfOpen(probeInFlight: true)
                return .proceed
            }
            return .reject(retryAfter: until - now)
        case .halfOpen(let probeInFlight):
            if probeInFlight { return .reject(retryAfter: .zero) }
            state = .halfOpen(probeInFlight: true)
            return .proceed
        }
    }

    /// A request succeeded: closes the breaker and clears the count.
    public mutating func recordSuccess() {
        state = .closed(consecutiveFailures: 0)
    }

    /// A request failed: counts toward the threshold, or reopens a half-open breaker.
    public mutating func recordFailure(now: ContinuousClock.Instant) {
        switch state {
        case .closed(let failures):
            state = failures + 1 >= threshold ? .open(until: now + coolDown) : .closed(consecutiveFailures: failures + 1)
        case .open, .halfOpen:
            state = .open(until: now + coolDown)
        }
    }

    /// The probe ended without a verdict (cancelled): let the next request probe instead.
    public mutating func releaseProbe() {
        if case .halfOpen(true) = state { state = .halfOpen(probeInFlight: false) }
    }

    /// "closed", "open" or "half-open", for status output.
    public var label: String {
        switch state {
        case .closed: return "closed"
        case .open: return "open"
        case .halfOpen: return "half-open"
        }
    }

    /// Failures in a row while closed (the threshold counts these).
    public var consecutiveFailures: Int {
        if case .closed(let failures) = state { return failures }
        return threshold
    }
}
