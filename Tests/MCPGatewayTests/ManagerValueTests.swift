import CurlHTTP
import Foundation
import MCP
import MCPGateway
import Testing

/// The manager's pure parts: the per-server health gate, the reload plan, the policy's config.
@Suite("MCPManager values")
struct ManagerValueTests {
    static let t0 = ContinuousClock.now

    static func policy(threshold: Int = 3) -> ManagerPolicy {
        ManagerPolicy(retry: RetryPolicy(base: .seconds(1), cap: .seconds(8), attempts: 3), breakerThreshold: threshold, breakerCoolDown: .seconds(10))
    }

    @Test func aHealthyServerProceedsAndADeadOneIsRestarted() {
        var health = ServerHealth(policy: Self.policy())
        #expect(health.admit(connected: true, now: Self.t0) == .proceed)
        #expect(health.admit(connected: false, now: Self.t0) == .restart)
        health.succeeded(latency: .milliseconds(3))
        health.succeeded(latency: .milliseconds(1))
        health.succeeded(latency: .milliseconds(2))
        #expect(health.latencies.last == .milliseconds(2))
        #expect(health.latencies.median == .milliseconds(2))
        #expect(!health.isDegraded)
    }

    @Test func failedRestartsWaitAGrowingFullJitterBackoff() {
        var health = ServerHealth(policy: Self.policy(threshold: 100))
        var generator = FailurePolicyTests.SplitMix(state: 7)
        var previousCeiling = Duration.zero
        for failure in 0..<4 {
            health.restartFailed("exited", now: Self.t0, using: &generator)
            let ceiling = Self.policy().retry.ceiling(forRetry: failure)
            #expect(ceiling >= previousCeiling)
            previousCeiling = ceiling
            switch health.admit(connected: false, now: Self.t0) {
            case .restartBackoff(let wait): #expect(wait > .zero && wait <= ceiling)
            case .restart: break  // a zero draw: allowed by full jitter
            default: Issue.record("unexpected admission")
            }
            // After the ceiling has passed, the restart is always due.
            #expect(health.admit(connected: false, now: Self.t0 + ceiling) == .restart)
        }
        #expect(health.failedRestarts == 4)
        #expect(health.consecutiveFailures == 4)
        #expect(health.lastError == "exited")
        health.succeeded()
        #expect(health.failedRestarts == 0 && health.consecutiveFailures == 0)
        #expect(health.admit(connected: true, now: Self.t0) == .proceed)
    }

    @Test func theBreakerOpensAfterTheThresholdAndProbesOnce() {
        var health = ServerHealth(policy: Self.policy(threshold: 3))
        for _ in 0..<2 { health.failed("refused", now: Self.t0) }
        #expect(health.isDegraded)
        #expect(health.admit(connected: true, now: Self.t0) == .proceed)
        health.failed("refused", now: Self.t0)
        #expect(health.breaker.label == "open")
        #expect(health.admit(connected: true, now: Self.t0 + .seconds(4)) == .breakerOpen(retryAfter: .seconds(6)))
        // After the cool-down one probe goes through; a second caller is refused meanwhile.
        #expect(health.admit(connected: true, now: Self.t0 + .seconds(10)) == .proceed)
        #expect(health.admit(connected: true, now: Self.t0 + .seconds(10)) == .breakerOpen(retryAfter: .zero))
        // A cancelled probe hands its turn back rather than blocking the breaker for good.
        health.abandoned()
        #expect(health.admit(connected: true, now: Self.t0 + .seconds(10)) == .proceed)
        health.succeeded(latency: .milliseconds(5))
        #expect(health.breaker.label == "closed")
        #expect(!health.isDegraded)
    }

    @Test func latencyWindowKeepsTheMostRecentSamples() {
        var window = LatencyWindow(capacity: 3)
        #expect(window.median == nil && window.last == nil)
        for ms in [100, 1, 2, 3] { window.record(.milliseconds(ms)) }
        #expect(window.count == 3)
        #expect(window.last == .milliseconds(3))
        #expect(window.median == .milliseconds(2), "the 100 ms sample has left the window")
    }

    @Test func theReloadPlanComparesWholeEntriesByName() {
        let a = MCPServerConfig.stdio("a", command: "x")
        let b = MCPServerConfig.stdio("b", command: "x")
        var b2 = b
        b2.args = ["--verbose"]
        let c = MCPServerConfig.http("c", url: "http://127.0.0.1:1/mcp")
        let diff = ConfigDiff(old: [a, b], new: [b2, c])
        #expect(diff.added == [c])
        #expect(diff.removed == ["a"])
        #expect(diff.changed == [b2])
        #expect(diff.unchanged == [])
        #expect(diff.summary == "added c; removed a; restarted b")
        #expect(ConfigDiff(old: [a, b], new: [b, a]).isEmpty)
        #expect(ConfigDiff(old: [a], new: [a]).summary == "no server changed")
    }

    @Test func healthCheckIntervalsFollowTransportAndOverrides() {
        let policy = ManagerPolicy(healthCheckInterval: .seconds(60))
        var stdio = MCPServerConfig.stdio("s", command: "x")
        var http = MCPServerConfig.http("h", url: "http://127.0.0.1:1/mcp")
        #expect(policy.healthCheckInterval(for: stdio) == nil)
        #expect(policy.healthCheckInterval(for: http) == .seconds(60))
        stdio.healthCheckInterval = .seconds(5)
        http.healthCheckInterval = .zero
        #expect(policy.healthCheckInterval(for: stdio) == .seconds(5))
        #expect(policy.healthCheckInterval(for: http) == nil)
    }

    @Test func theManagerSectionIsReadWithItsErrorsNamed() throws {
        let config = try Self.read("""
            {"manager": {"retry_attempts": 5, "retry_base": 0.1, "retry_cap": 2, "breaker_threshold": 4,
                         "breaker_cool_down": 15, "health_check_interval": 0},
             "mcpServers": {"h": {"url": "http://127.0.0.1:1/mcp", "health_check_interval": 2.5}}}
            """)
        #expect(config.manager.retry == RetryPolicy(base: .milliseconds(100), cap: .seconds(2), attempts: 5))
        #expect(config.manager.breakerThreshold == 4)
        #expect(config.manager.breakerCoolDown == .seconds(15))
        #expect(config.manager.healthCheckInterval == nil)
        #expect(config.servers.first?.healthCheckInterval == .milliseconds(2500))
        #expect(config.warnings.isEmpty)

        #expect(throws: ConfigError.self) { try Self.read(#"{"manager": {"retry_attempts": 0}}"#) }
        let notADuration = #expect(throws: ConfigError.self) {
            try Self.read(#"{"manager": {"breaker_cool_down": "soon"}}"#)
        }
        #expect(notADuration?.description.hasPrefix("m.json: manager.breaker_cool_down") == true, "\(String(describing: notADuration))")
        let unknown = try Self.read(#"{"manager": {"retries": 3}}"#)
        #expect(unknown.warnings == ["m.json: manager: unknown key 'retries' (ignored)"])
    }

    @Test func forwardHeadersAreHeaderNamesForHTTPServersOnly() throws {
        let http = try Self.read(#"{"mcpServers": {"crm": {"url": "http://127.0.0.1:9/mcp", "forward_headers": ["X-User-Id", "X-Tenant"]}}}"#)
        #expect(http.servers.first?.forwardHeaders == ["X-User-Id", "X-Tenant"])
        #expect(http.warnings.isEmpty)

        let stdio = #expect(throws: ConfigError.self) {
            try Self.read(#"{"mcpServers": {"local": {"command": "x", "forward_headers": ["X-User-Id"]}}}"#)
        }
        #expect(stdio?.description == "m.json: server 'local', field 'forward_headers': only HTTP servers take forwarded headers (this one is stdio)")
        let reserved = #expect(throws: ConfigError.self) {
            try Self.read(#"{"mcpServers": {"crm": {"url": "http://127.0.0.1:9/mcp", "forward_headers": ["Mcp-Session-Id"]}}}"#)
        }
        #expect(reserved?.description.contains("\"Mcp-Session-Id\" is set by lmg itself") == true, "\(String(describing: reserved))")
        let notAName = #expect(throws: ConfigError.self) {
            try Self.read(#"{"mcpServers": {"crm": {"url": "http://127.0.0.1:9/mcp", "forward_headers": ["X User"]}}}"#)
        }
        #expect(notAName?.description.contains("\"X User\" is not a header name") == true, "\(String(describing: notAName))")
    }

    /// The MCP sections of a config file, read by MCPGateway's own readers.
    static func read(_ json: String) throws -> (manager: ManagerPolicy, servers: [MCPServerConfig], warnings: [String]) {
        let root = try JSONDecoder().decode(Value.self, from: Data(json.utf8))
        var fields = ConfigFields(file: "m.json", environment: [:])
        let object = root.objectValue ?? [:]
        let manager = try object["manager"].map { raw throws(ConfigError) in try fields.readManager(raw) } ?? ManagerPolicy()
        let servers = try fields.readServers(object["mcpServers"])
        return (manager, servers, fields.warnings)
    }
}
