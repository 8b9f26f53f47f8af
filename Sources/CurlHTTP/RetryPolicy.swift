/// Exponential backoff with full jitter: attempt n waits a random time in [0, min(cap, base·2ⁿ)].
///
/// Full jitter spreads retries of many clients apart, so a recovering server is not hit by a
/// synchronized wave.
public struct RetryPolicy: Sendable, Hashable {
    public var base: Duration
    public var cap: Duration
    /// Total tries, the first included; 1 means no retry.
    public var attempts: Int

    public init(base: Duration = .milliseconds(200), cap: Duration = .seconds(10), attempts: Int = 3) {
        self.base = base
        self.cap = cap
        self.attempts = max(1, attempts)
    }

    /// No retries at all.
    public static let none = RetryPolicy(attempts: 1)

    /// The ceiling of the wait before retry number `retry` (0 for the first retry).
    public func ceiling(forRetry retry: Int) -> Duration {
        let factor = retry >= 30 ? Double(1 << 30) : Double(1 << retry)
        let scaled = base * factor
        return scaled < cap ? scaled : cap
    }

    /// A random wait in [0, ceiling].
    public func delay(forRetry retry: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let ceiling = ceiling(forRetry: retry)
        let nanos = ceiling.components.seconds * 1_000_000_000 + ceiling.components.attoseconds / 1_000_000_000
        guard nanos > 0 else { return .zero }
        return .nanoseconds(Int64.random(in: 0...nanos, using: &generator))
    }

    /// A random wait in [0, ceiling] from the system generator.
    public func delay(forRetry retry: Int) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return delay(forRetry: retry, using: &generator)
    }
}
