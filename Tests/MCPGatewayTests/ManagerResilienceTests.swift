import CurlHTTP
import Foundation
import MCP
import MCPGateway
import Locking
import TestSupport
import Testing

/// The manager against real servers that fail: killed stdio processes, an HTTP server that goes
/// away and comes back, a slow server beside a fast one. (Config files edited while it runs:
/// GatewayRuntimeTests' ConfigReloaderTests.)
@Suite("MCPManager: failures stay contained", .serialized)
struct ManagerResilienceTests {
    static let fixture = Repo.fixture("mcp_fixture.py")

    /// Small backoff and breaker values, so the tests take fractions of a second.
    static func policy(threshold: Int = 50, coolDown: Duration = .milliseconds(400), health: Duration? = nil) -> ManagerPolicy {
        ManagerPolicy(
            retry: RetryPolicy(base: .milliseconds(20), cap: .milliseconds(100), attempts: 3),
            breakerThreshold: threshold, breakerCoolDown: coolDown, healthCheckInterval: health)
    }

    static func recordFile() -> String {
        NSTemporaryDirectory() + "lmg-manager-record-\(UUID().uuidString).txt"
    }

    static func recorded(_ path: String, _ line: String) -> Int {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").filter { $0 == line }.count
    }

    static func text(_ result: CallTool.Result) -> String {
        result.content.compactMap { if case .text(let text, _, _) = $0 { text } else { nil } }.joined()
    }

    static func builtinHTTP(port: Int) async throws -> FixtureProcess {
        try await FixtureProcess.start(Repo.lmgBinary, ["mcp-server", "--http", "\(port)"])
    }

    // MARK: - stdio crashes

    @Test func aStdioServerKilledBetweenCallsIsRestartedByTheNextCall() async throws {
        let manager = MCPManager(options: TestOptions.client(), policy: Self.policy())
        await manager.addServers([.stdio("fx", command: Repo.python, args: [Self.fixture])])
        defer { Task { await manager.shutdown() } }
        let first = try await manager.callTool(server: "fx", tool: "echo", arguments: ["text": "one"])
        #expect(Self.text(first) == "one")
        let pid = try #require(try await manager.client(named: "fx").processID)
        kill(pid, SIGKILL)
        // The death is noticed without any call.
        let deadline = ContinuousClock.now + .seconds(5)
        while await manager.status().first?.state != .failed && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let down = try #require(await manager.status().first)
        #expect(down.state == .failed)
        #expect(down.error?.contains("fx") == true, "\(down)")

        let second = try await manager.callTool(server: "fx", tool: "echo", arguments: ["text": "two"])
        #expect(Self.text(second) == "two")
        let newPid = try #require(try await manager.client(named: "fx").processID)
        #expect(newPid != pid)
        #expect(await manager.status().first?.state == .ready)
        #expect(kill(pid, 0) != 0, "the killed process was reaped")
        await manager.shutdown()
    }

    @Test func aServerKilledDuringACallFailsThatCallOnceAndRecovers() async throws {
        let record = Self.recordFile()
        let manager = MCPManager(options: TestOptions.client(), policy: Self.policy())
        await manager.addServers([.stdio("fx", command: Repo.python, args: [Self.fixture, "--record", record])])
        let pid = try #require(try await manager.client(named: "fx").processID)
        let call = Task { try await manager.callTool(server: "fx", tool: "slow", arguments: ["seconds": 30]) }
        try await Task.sleep(for: .milliseconds(500))
        kill(pid, SIGKILL)
        let clock = ContinuousClock()
        let start = clock.now
        await #expect(throws: MCPClientError.self) { try await call.value }
        #expect(clock.now - start < .seconds(10), "the caller learns when the process dies, not when the call would have ended")
        // `slow` has side effects as far as the manager knows: it was not sent again.
        #expect(Self.recorded(record, "tool slow") == 1)

        let next = try await manager.callTool(server: "fx", tool: "add", arguments: ["a": 2, "b": 3])
        #expect(Self.text(next) == "5")
        #expect(await manager.status().first?.state == .ready)
        await manager.shutdown()
    }

    @Test func aReadOnlyToolIsRetriedAfterTheServerDiesUnderIt() async throws {
        // The built-in server's tools are annotated read-only: one killed mid-call is retried on a new process.
        let manager = MCPManager(options: TestOptions.client(), policy: Self.policy())
        await manager.addServers([.stdio("builtin", command: Repo.lmgBinary, args: ["mcp-server"])])
        let tools = try await manager.client(named: "builtin").listTools()
        #expect(tools.first { $0.name == "echo" }?.annotations.readOnlyHint == true)
        let pid = try #require(try await manager.client(named: "builtin").processID)
        kill(pid, SIGKILL)
        let result = try await manager.callTool(server: "builtin", tool: "echo", arguments: ["text": "again"])
        #expect(Self.text(result) == "again")
        #expect(try await manager.client(named: "builtin").processID != pid)
        await manager.shutdown()
    }

    @Test func aServerThatCannotStartIsRetriedOnlyAfterBackoff() async throws {
        let manager = MCPManager(
            options: TestOptions.client(),
            policy: ManagerPolicy(retry: RetryPolicy(base: .seconds(5), cap: .seconds(5), attempts: 1), breakerThreshold: 50))
        // The process starts, then exits before answering: a transient kind of failure.
        await manager.addServers([.stdio("dies", command: "/bin/sh", args: ["-c", "exit 3"])])
        let status = try #require(await manager.status().first)
        #expect(status.state == .failed)
        #expect(status.consecutiveFailures == 1)
        // Within the backoff the manager does not spawn again; it says when it will.
        var refusal: (any Error)?
        do { _ = try await manager.callTool(server: "dies", tool: "x") } catch { refusal = error }
        if case .restartBackoff(let server, let retryAfter, _)? = refusal as? MCPManagerError {
            #expect(server == "dies")
            #expect(retryAfter <= .seconds(5))
        } else if refusal is MCPClientError {
            // Full jitter may draw a zero wait: then the restart was tried and failed again.
            #expect(await manager.status().first?.consecutiveFailures == 2)
        } else {
            Issue.record("unexpected: \(String(describing: refusal))")
        }
        await manager.shutdown()
    }

    @Test func aCrashUnderLoadCountsOnceAndDoesNotOpenTheBreaker() async throws {
        // Threshold 3, six calls in flight when the process dies: one failure of the server, not six.
        let manager = MCPManager(options: TestOptions.client(), policy: Self.policy(threshold: 3))
        await manager.addServers([.stdio("fx", command: Repo.python, args: [Self.fixture])])
        let pid = try #require(try await manager.client(named: "fx").processID)
        let calls = (0..<6).map { _ in Task { try await manager.callTool(server: "fx", tool: "slow", arguments: ["seconds": 30]) } }
        try await Task.sleep(for: .milliseconds(500))
        kill(pid, SIGKILL)
        for call in calls { _ = try? await call.value }
        let status = try #require(await manager.status().first)
        #expect(status.circuit == "closed", "\(status)")
        #expect(status.consecutiveFailures == 1)
        #expect(Self.text(try await manager.callTool(server: "fx", tool: "add", arguments: ["a": 1, "b": 1])) == "2")
        await manager.shutdown()
    }

    /// Processes whose environment carries `marker`: what a test started, found without asking the manager.
    static func processes(marked marker: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let environ = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return false }
            return String(decoding: environ, as: UTF8.self).contains(marker)
        }
    }

    static func marked(_ name: String, _ marker: String, delay: Double = 0) -> MCPServerConfig {
        .stdio(name, command: "/bin/sh", args: ["-c", "sleep \(delay); exec \"$0\" mcp-server", Repo.lmgBinary], env: ["LMG_TEST_MARKER": marker])
    }

    @Test func replacingAServerTwiceAtOnceLeavesNoProcessBehind() async throws {
        let marker = UUID().uuidString
        let manager = MCPManager(options: TestOptions.client(), policy: Self.policy())
        await manager.addServers([Self.marked("x", marker)])
        async let first: Void = manager.addServers([Self.marked("x", marker, delay: 0.1)])
        async let second: Void = manager.addServers([Self.marked("x", marker, delay: 0.2)])
        _ = await (first, second)
        #expect(await manager.status().first?.state == .ready)
        await manager.shutdown()
        try await Task.sleep(for: .milliseconds(300))
        #expect(Self.processes(marked: marker).isEmpty, "left running: \(Self.processes(marked: marker))")
    }

    @Test func shutdownDuringAConnectLeavesItClosedAndNoProcess() async throws {
        let marker = UUID().uuidString
        let manager = MCPManager(options: TestOptions.client(), policy: Self.policy())
        let adding = Task { await manager.addServers([Self.marked("late", marker, delay: 1)]) }
        try await Task.sleep(for: .milliseconds(200))
        await manager.shutdown()
        await adding.value
        try await Task.sleep(for: .seconds(1.5))
        #expect(await manager.status().first?.state == .closed)
        #expect(Self.processes(marked: marker).isEmpty, "left running: \(Self.processes(marked: marker))")
        await #expect(throws: MCPManagerError.shutDown(server: "late")) { try await manager.callTool(server: "late", tool: "echo") }
        #expect(Self.processes(marked: marker).isEmpty, "a call after shutdown must not start the server again")
    }

    @Test func statusWhileServersComeAndGoNeverFails() async throws {
        let manager = MCPManager(options: TestOptions.client(), policy: Self.policy())
        for _ in 0..<30 {
            var configs = (0..<30).map { MCPServerConfig.stdio("s\($0)", command: "/bin/true") }
            for index in configs.indices { configs[index].enabled = false }
            await manager.addServers(configs)
            let remover = Task { for index in 0..<30 { await manager.removeServer(named: "s\(index)") } }
            let reader = Task {
                while await !manager.serverNames.isEmpty { _ = await manager.status() }
            }
            await remover.value
            await reader.value
        }
        #expect(await manager.serverNames.isEmpty)
        await manager.shutdown()
    }

    // MARK: - HTTP outages and the breaker

    @Test func theBreakerOpensOnAnHTTPOutageAndClosesWhenTheServerIsBack() async throws {
        let port = try freeLoopbackPort()
        var server = try await Self.builtinHTTP(port: port)
        let manager = MCPManager(options: TestOptions.client(), policy: Self.policy(threshold: 3, coolDown: .milliseconds(500)))
        await manager.addServers([.http("web", url: "http://127.0.0.1:\(port)/mcp")])
        _ = try await manager.callTool(server: "web", tool: "echo", arguments: ["text": "up"])
        server.stop()

        // Refused connections never reached the server, so even a tool call is retried; each try counts.
        await #expect(throws: (any Error).self) { try await manager.callTool(server: "web", tool: "echo", arguments: ["text": "down"]) }
        var status = try #require(await manager.status().first)
        #expect(status.circuit == "open", "\(status)")
        #expect(status.state == .degraded)
        #expect(status.consecutiveFailures >= 3)

        // While open, calls are refused at once, without touching the network.
        var refusal: (any Error)?
        do { _ = try await manager.callTool(server: "web", tool: "echo", arguments: ["text": "x"]) } catch { refusal = error }
        #expect(await manager.status().first?.consecutiveFailures == status.consecutiveFailures, "no new attempt was made")
        guard case .circuitOpen(let name, _, let lastError)? = refusal as? MCPManagerError else {
            Issue.record("expected circuitOpen, got \(String(describing: refusal))")
            return
        }
        #expect(name == "web")
        #expect(lastError?.isEmpty == false)
        #expect(refusal.map { "\($0)" }?.contains("circuit breaker is open") == true)

        // Back on the same port (a new process: the old session is gone, the client re-initializes).
        server = try await Self.builtinHTTP(port: port)
        defer { server.stop() }
        try await Task.sleep(for: .milliseconds(600))
        let result = try await manager.callTool(server: "web", tool: "echo", arguments: ["text": "back"])
        #expect(Self.text(result) == "back")
        status = try #require(await manager.status().first)
        #expect(status.circuit == "closed")
        #expect(status.state == .ready)
        #expect(status.consecutiveFailures == 0)
        #expect(status.p50LatencyMs != nil)
        await manager.shutdown()
    }

    @Test func healthChecksNoticeAnOutageAndTheRecoveryWithoutAnyCall() async throws {
        let port = try freeLoopbackPort()
        var server = try await Self.builtinHTTP(port: port)
        let manager = MCPManager(
            options: TestOptions.client(), policy: Self.policy(threshold: 2, coolDown: .milliseconds(300), health: .milliseconds(100)))
        await manager.addServers([.http("web", url: "http://127.0.0.1:\(port)/mcp")])
        #expect(await manager.status().first?.state == .ready)
        server.stop()
        try await Self.waitFor(manager, "the outage") { $0.circuit == "open" }
        server = try await Self.builtinHTTP(port: port)
        defer { server.stop() }
        try await Self.waitFor(manager, "the recovery") { $0.state == .ready && $0.circuit == "closed" }
        await manager.shutdown()
    }

    static func waitFor(_ manager: MCPManager, _ what: String, timeout: Duration = .seconds(10), _ condition: (ServerStatus) -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let status = await manager.status().first, condition(status) { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        Issue.record("timed out waiting for \(what): \(String(describing: await manager.status().first))")
    }

    // MARK: - Isolation

    @Test func aSlowServerDoesNotSlowAFastOne() async throws {
        let manager = MCPManager(options: TestOptions.client(), policy: Self.policy())
        await manager.addServers([
            .stdio("slowpoke", command: Repo.python, args: [Self.fixture]),
            .stdio("fast", command: Repo.lmgBinary, args: ["mcp-server"]),
        ])
        let slowEnded = Locked(false)
        let slow = Task {
            defer { slowEnded.withLock { $0 = true } }
            return try await manager.callTool(server: "slowpoke", tool: "slow", arguments: ["seconds": 8])
        }
        try await Task.sleep(for: .milliseconds(200))
        for i in 0..<50 {
            let result = try await manager.callTool(server: "fast", tool: "echo", arguments: ["text": "\(i)"])
            #expect(Self.text(result) == "\(i)")
        }
        _ = await manager.tools()
        _ = await manager.status()
        // Every fast call, the listing and the status came back while the slow call still ran.
        #expect(!slowEnded.withLock { $0 }, "the fast calls waited for the slow one")
        slow.cancel()
        await #expect(throws: MCPClientError.self) { try await slow.value }
        await manager.shutdown()
    }
}
