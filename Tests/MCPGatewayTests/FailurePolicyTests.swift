import CurlHTTP
import MCPGateway
import Testing

@Suite("Retry and circuit breaker")
struct FailurePolicyTests {
    /// A deterministic generator, so jitter bounds are checked over many draws.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func backoffCeilingDoublesUpToTheCap() {
        let policy = RetryPolicy(base: .milliseconds(100), cap: .seconds(1), attempts: 6)
        #expect(policy.ceiling(forRetry: 0) == .milliseconds(100))
        #expect(policy.ceiling(forRetry: 1) == .milliseconds(200))
        #expect(policy.ceiling(forRetry: 3) == .milliseconds(800))
        #expect(policy.ceiling(forRetry: 4) == .seconds(1))
        #expect(policy.ceiling(forRetry: 40) == .seconds(1))
    }

    @Test func fullJitterStaysWithinZeroAndTheCeilingAndSpreads() {
        let policy = RetryPolicy(base: .milliseconds(100), cap: .seconds(1))
        var generator = SplitMix(state: 42)
        var seen: Set<Int64> = []
        for retry in 0..<5 {
            for _ in 0..<200 {
                let delay = policy.delay(forRetry: retry, using: &generator)
                #expect(delay >= .zero && delay <= policy.ceiling(forRetry: retry))
                seen.insert(delay.components.attoseconds / 1_000_000_000_000)
            }
        }
        #expect(seen.count > 100)
    }

    @Test func breakerOpensAfterThresholdAndHalfOpensAfterCoolDown() {
        var breaker = CircuitBreaker(threshold: 3, coolDown: .seconds(10))
        let t0 = ContinuousClock.now
        for _ in 0..<2 {
            #expect(breaker.decide(now: t0) == .proceed)
            breaker.recordFailure(now: t0)
        }
        #expect(breaker.label == "closed")
        breaker.recordFailure(now: t0)
        #expect(breaker.label == "open")
        #expect(breaker.decide(now: t0 + .seconds(4)) == .reject(retryAfter: .seconds(6)))
        // After the cool-down exactly one probe goes through.
        #expect(breaker.decide(now: t0 + .seconds(10)) == .proceed)
        #expect(breaker.label == "half-open")
        #expect(breaker.decide(now: t0 + .seconds(10)) == .reject(retryAfter: .zero))
        breaker.recordSuccess()
        #expect(breaker.label == "closed")
        #expect(breaker.consecutiveFailures == 0)
    }

    @Test func failedProbeReopens() {
        var breaker = CircuitBreaker(threshold: 1, coolDown: .seconds(5))
        let t0 = ContinuousClock.now
        breaker.recordFailure(now: t0)
        #expect(breaker.decide(now: t0 + .seconds(5)) == .proceed)
        breaker.recordFailure(now: t0 + .seconds(5))
        #expect(breaker.decide(now: t0 + .seconds(6)) == .reject(retryAfter: .seconds(4)))
    }

    @Test func successResetsTheCount() {
        var breaker = CircuitBreaker(threshold: 2)
        let t0 = ContinuousClock.now
        breaker.recordFailure(now: t0)
        breaker.recordSuccess()
        breaker.recordFailure(now: t0)
        #expect(breaker.label == "closed")
    }
}
