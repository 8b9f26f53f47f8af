import Foundation
@testable import MCPGateway
import Locking
import MCP
import Testing

/// The manager's lifecycle state machine, route table, refusals and status projection, driven
/// with events and stand-in connections: no processes, ports or clocks.
@Suite("MCPManager lifecycle")
struct ServerLifecycleTests {
    /// A connection whose liveness the test sets.
    final class Connection: LifecycleConnection {
        let id: Int
        private let alive = Locked(true)
        init(_ id: Int) {
            self.id = id
            cachedTools = nil
        }
        let cachedTools: [Tool]?
        init(_ id: Int, tools: [String]) {
            self.id = id
            cachedTools = tools.map { Tool(name: $0, description: $0, inputSchema: ["type": "object"]) }
        }
        var isConnected: Bool { alive.withLock { $0 } }
        func die() { alive.withLock { $0 = false } }
    }

    typealias Machine = ServerStateMachine<Connection>

    static let a = MCPServerConfig.stdio("a", command: "x")
    static let b = MCPServerConfig.stdio("b", command: "x")

    static func gate() -> HealthGate { HealthGate(policy: ManagerPolicy()) }

    /// Actions as short strings, so a test reads as the sequence it expects.
    static func describe(_ actions: [Machine.Action]) -> [String] {
        actions.map { action in
            switch action {
            case .connect(let name, let generation, let attempts, let closing):
                "connect \(name)#\(generation) x\(attempts)" + (closing.map { " after closing c\($0.id)" } ?? "")
            case .startHealthChecks(let name, let generation): "health \(name)#\(generation)"
            case .cancel(let generation): "cancel #\(generation)"
            case .closeInBackground(let client): "close c\(client.id)"
            }
        }
    }

    static func admission(_ machine: Machine, _ name: String) -> String {
        switch machine.admission(name) {
        case .refuse(let error): "refuse \(error)"
        case .awaitConnect(let generation): "await #\(generation)"
        case .consult(_, let live, let failure): "consult live=\(live.map { "c\($0.id)" } ?? "none") failure=\(failure != nil)"
        }
    }

    @Test func aServerConnectsAndIsAdmittedWhileItsConnectionLives() {
        var machine = Machine()
        #expect(Self.describe(machine.register(Self.a, gate: Self.gate(), attempts: 3)) == ["connect a#1 x3", "health a#1"])
        #expect(machine.servers["a"]?.phase == .connecting)
        #expect(Self.admission(machine, "a") == "await #1")
        let client = Connection(1)
        guard case .adopt = machine.connectSucceeded("a", generation: 1, client: client, cancelled: false) else {
            Issue.record("the first connect's client was not adopted")
            return
        }
        machine.connectEnded("a", generation: 1)
        #expect(machine.servers["a"]?.phase == .ready)
        #expect(Self.admission(machine, "a") == "consult live=c1 failure=false")
        // A dead process leaves the server ready until its next use restarts it.
        client.die()
        #expect(Self.admission(machine, "a") == "consult live=none failure=false")
    }

    @Test func aDisabledServerIsNeverConnectedAndIsRefusedByName() {
        var machine = Machine()
        var off = Self.b
        off.enabled = false
        #expect(machine.register(off, gate: Self.gate(), attempts: 3).isEmpty)
        #expect(machine.servers["b"]?.phase == .disabled)
        #expect(Self.admission(machine, "b") == "refuse \(MCPManagerError.disabled(server: "b"))")
        #expect(Self.admission(machine, "c") == "refuse \(MCPManagerError.unknownServer("c", known: ["b"]))")
    }

    @Test func aReplacedServerRetiresTheOldOneAndIgnoresItsLateResults() {
        var machine = Machine()
        _ = machine.register(Self.a, gate: Self.gate(), attempts: 3)
        _ = machine.connectSucceeded("a", generation: 1, client: Connection(1), cancelled: false)
        machine.connectEnded("a", generation: 1)
        // The replacement cancels the old generation's tasks and closes its client in one step.
        #expect(Self.describe(machine.register(Self.a, gate: Self.gate(), attempts: 3))
            == ["cancel #1", "close c1", "connect a#2 x3", "health a#2"])
        // A third registration while the second still connects: the second's late client is closed.
        _ = machine.register(Self.a, gate: Self.gate(), attempts: 3)
        guard case .discard = machine.connectSucceeded("a", generation: 2, client: Connection(2), cancelled: false) else {
            Issue.record("a replaced generation's client was adopted")
            return
        }
        let lateFailure = machine.connectFailed("a", generation: 2, error: CancellationError(), cancelled: false)
        #expect(!lateFailure)
        machine.connectEnded("a", generation: 2)
        #expect(machine.servers["a"]?.generation == 3)
        #expect(machine.servers["a"]?.isConnecting == true, "the old connect's end does not end the new one")
        #expect(machine.servers["a"]?.phase == .connecting)
    }

    @Test func aFailedConnectIsRecordedUnlessCancelled() {
        var machine = Machine()
        _ = machine.register(Self.a, gate: Self.gate(), attempts: 3)
        let cancelled = machine.connectFailed("a", generation: 1, error: CancellationError(), cancelled: true)
        #expect(!cancelled)
        #expect(machine.servers["a"]?.phase == .connecting)
        let refused = MCPClientError(.transport(.spawnFailed), server: "a", "not found")
        let recorded = machine.connectFailed("a", generation: 1, error: refused, cancelled: false)
        #expect(recorded)
        machine.connectEnded("a", generation: 1)
        #expect(machine.servers["a"]?.phase == .failed)
        #expect(Self.admission(machine, "a") == "consult live=none failure=true")
    }

    @Test func aRestartClosesTheDeadClientFirstAndConcurrentRestartsJoinIt() {
        var machine = Machine()
        _ = machine.register(Self.a, gate: Self.gate(), attempts: 3)
        let client = Connection(1)
        _ = machine.connectSucceeded("a", generation: 1, client: client, cancelled: false)
        machine.connectEnded("a", generation: 1)
        client.die()
        guard case .start(let action) = machine.restartRequested("a") else {
            Issue.record("no restart started")
            return
        }
        #expect(Self.describe([action]) == ["connect a#1 x1 after closing c1"])
        #expect(machine.servers["a"]?.client == nil)
        #expect(machine.servers["a"]?.phase == .connecting)
        guard case .join(generation: 1) = machine.restartRequested("a") else {
            Issue.record("a second restart did not join the first")
            return
        }
        guard case .none = machine.restartRequested("nope") else {
            Issue.record("an unknown server was restarted")
            return
        }
    }

    @Test func shutdownClosesEverythingAndRefusesEverythingAfter() {
        var machine = Machine()
        _ = machine.register(Self.a, gate: Self.gate(), attempts: 3)
        _ = machine.register(Self.b, gate: Self.gate(), attempts: 3)
        _ = machine.connectSucceeded("a", generation: 1, client: Connection(1), cancelled: false)
        machine.connectEnded("a", generation: 1)
        let down = machine.shutdown()
        #expect(down.generations.sorted() == [1, 2])
        #expect(down.clients.map(\.id) == [1])
        #expect(machine.servers.values.allSatisfy { $0.phase == .closed && !$0.isConnecting })
        #expect(Self.admission(machine, "a") == "refuse \(MCPManagerError.shutDown(server: "a"))")
        // b's connect, still under way, ends with a client that must not survive.
        guard case .discard = machine.connectSucceeded("b", generation: 2, client: Connection(2), cancelled: false) else {
            Issue.record("a client was adopted after shutdown")
            return
        }
        #expect(machine.register(Self.b, gate: Self.gate(), attempts: 3).isEmpty)
        guard case .none = machine.restartRequested("a") else {
            Issue.record("a server was restarted after shutdown")
            return
        }
    }

    @Test func removalForgetsTheServerAndHandsBackWhatToClose() {
        var machine = Machine()
        _ = machine.register(Self.a, gate: Self.gate(), attempts: 3)
        _ = machine.connectSucceeded("a", generation: 1, client: Connection(7), cancelled: false)
        let removal = machine.remove("a")
        #expect(removal?.generation == 1 && removal?.client?.id == 7)
        #expect(machine.remove("a") == nil)
        #expect(machine.names.isEmpty)
        #expect(Self.admission(machine, "a") == "refuse \(MCPManagerError.unknownServer("a", known: []))")
    }

    @Test func theVersionMovesWithEveryChangeTheNamespaceCanSee() {
        var machine = Machine()
        var seen = [machine.version]
        _ = machine.register(Self.a, gate: Self.gate(), attempts: 3)
        seen.append(machine.version)
        _ = machine.connectSucceeded("a", generation: 1, client: Connection(1), cancelled: false)
        seen.append(machine.version)
        machine.connectEnded("a", generation: 1)
        #expect(machine.version == seen.last, "the end of a connect changes no tool list")
        machine.toolsChanged()
        seen.append(machine.version)
        _ = machine.restartRequested("a")
        seen.append(machine.version)
        _ = machine.remove("a")
        seen.append(machine.version)
        #expect(Set(seen).count == seen.count, "\(seen)")
    }

    // MARK: - The route table

    static func client(_ name: String) -> MCPClient { MCPClient(config: .stdio(name, command: "x"), options: .init()) }

    @Test func routesFollowTheStateMachineAndNeverOutliveTheirServer() {
        let table = RouteTable()
        _ = table.update { $0.register(Self.a, gate: Self.gate(), attempts: 1) }
        #expect(table.route("a") == nil, "no route while connecting")
        let first = Self.client("a")
        _ = table.update { $0.connectSucceeded("a", generation: 1, client: first, cancelled: false) }
        #expect(table.route("a")?.client === first)
        table.update { $0.connectEnded("a", generation: 1) }
        #expect(table.route("a") === table.route("a"), "a route is read, not rebuilt")
        #expect(table.route("a")?.client === first, "an update that changes no server keeps the route")
        _ = table.update { $0.restartRequested("a") }
        #expect(table.route("a") == nil, "no route while restarting")
        let second = Self.client("a")
        _ = table.update { $0.connectSucceeded("a", generation: 1, client: second, cancelled: false) }
        #expect(table.route("a")?.client === second)
        _ = table.update { $0.shutdown() }
        #expect(table.route("a") == nil, "no route after shutdown")
    }

    @Test func theNamespaceCacheIsDroppedByAnyChangeAndNotKeptWhenItRacedOne() {
        let table = RouteTable()
        let namespace = ToolNamespace([])
        table.cache(namespace, computedAt: table.version)
        #expect(table.cachedNamespace != nil)
        _ = table.update { $0.register(Self.a, gate: Self.gate(), attempts: 1) }
        #expect(table.cachedNamespace == nil)
        let begun = table.version
        table.update { $0.toolsChanged() }
        table.cache(namespace, computedAt: begun)
        #expect(table.cachedNamespace == nil, "a listing begun before a change is not cached")
    }

    // MARK: - Refusals and their classification

    @Test func refusalsNameTheServerSayWhatToDoAndBlameNoServer() {
        let unknown = MCPManagerError.unknownServer("tme", known: ["time", "web"])
        #expect(unknown.description == "server 'tme': no such server (configured: time, web); did you mean 'time'?")
        #expect(MCPManagerError.unknownServer("x", known: []).description.contains("no such server (configured: none)"))
        #expect(MCPManagerError.disabled(server: "d").description.contains("server 'd': the server is disabled in the configuration"))
        #expect(MCPManagerError.shutDown(server: "s").description.contains("server 's': the manager was shut down"))
        #expect(MCPManagerError.toolHidden(server: "h", tool: "rm").description
            .hasPrefix("server 'h': tools/call: tool 'rm' is disabled by the configuration"))
        let refusals: [MCPManagerError] = [
            unknown, .disabled(server: "d"), .shutDown(server: "s"), .toolHidden(server: "h", tool: "rm"),
            .circuitOpen(server: "c", retryAfter: .seconds(1), lastError: nil),
        ]
        for refusal in refusals {
            #expect(FailureClassification.verdict(refusal) == .abandoned, "\(refusal)")
            #expect(!refusal.description.contains("\n"))
        }
        #expect(FailureClassification.verdict(MCPClientError(.server(code: -32602), server: "a", "bad")) == .answered)
        #expect(FailureClassification.verdict(MCPClientError(.timedOut(.seconds(1)), server: "a", "slow")) == .serverFault)
        #expect(!FailureClassification.isTransient(MCPClientError(.transport(.spawnFailed), server: "a", "not found")))
        #expect(FailureClassification.isTransient(MCPClientError(.transport(.httpStatus(503)), server: "a", "busy")))
        #expect(!FailureClassification.isTransient(MCPClientError(.transport(.httpStatus(404)), server: "a", "gone")))
        #expect(FailureClassification.maySendAgain(MCPClientError(.notConnected, server: "a", "x", requestWasNotSent: true), repeatable: false))
        #expect(!FailureClassification.maySendAgain(MCPClientError(.timedOut(.seconds(1)), server: "a", "x"), repeatable: false))
        #expect(FailureClassification.line(MCPClientError(.protocolViolation, server: "a", "two\nlines")) == "server 'a': two lines")
    }

    @Test func aHiddenToolIsRefusedWithoutAskingAnyServer() async throws {
        var config = MCPServerConfig.stdio("off", command: "/nonexistent/lmg-test-server")
        config.enabled = false
        let manager = MCPManager()
        await manager.addServers([config])
        await #expect(throws: MCPManagerError.disabled(server: "off")) { try await manager.callTool(server: "off", tool: "echo") }
        await #expect(throws: MCPManagerError.unknownServer("of", known: ["off"])) { try await manager.callTool(server: "of", tool: "echo") }
        config.disabledTools = ["echo"]
        await manager.addServers([config])
        await #expect(throws: MCPManagerError.toolHidden(server: "off", tool: "echo")) { try await manager.callTool(server: "off", tool: "echo") }
        await manager.shutdown()
        await #expect(throws: MCPManagerError.shutDown(server: "off")) { try await manager.client(named: "off") }
        await #expect(throws: MCPManagerError.shutDown(server: "late")) { try await manager.addServer(.stdio("late", command: "x")) }
    }

    // MARK: - Status projection

    static func snapshot(
        phase: ServerLifecycle<MCPClient>.Phase, alive: Bool = true, health: ServerHealth = ServerHealth(), failure: String? = nil
    ) -> ServerSnapshot {
        var config = MCPServerConfig.stdio("s", command: "srv")
        config.disabledTools = ["hidden"]
        return ServerSnapshot(
            name: "s", config: config, phase: phase, failure: failure, health: health,
            connection: .init(
                alive: alive, transport: "stdio", protocolVersion: "2025-11-25", serverName: "srv", serverVersion: "1",
                toolNames: ["a", "b", "hidden"], closeReason: alive ? nil : "server 's': exited with status 9"),
            tokenExpiresAt: nil)
    }

    @Test func theStatusIsAPureProjectionOfTheSnapshot() {
        let ready = ServerStatus(Self.snapshot(phase: .ready))
        #expect(ready.state == .ready && ready.tools == 2 && ready.error == nil && ready.serverName == "srv")
        let dead = ServerStatus(Self.snapshot(phase: .ready, alive: false))
        #expect(dead.state == .failed && dead.tools == nil)
        #expect(dead.error == "server 's': exited with status 9", "a dead connection says why it closed")
        var unwell = ServerHealth()
        unwell.failed("timed out", now: .now)
        let degraded = ServerStatus(Self.snapshot(phase: .ready, health: unwell))
        #expect(degraded.state == .degraded && degraded.error == "timed out" && degraded.consecutiveFailures == 1)
        let failed = ServerStatus(Self.snapshot(phase: .failed, failure: "could not start"))
        #expect(failed.state == .failed && failed.error == "could not start")
        #expect(ServerStatus(Self.snapshot(phase: .disabled)).state == .disabled)
        #expect(ServerStatus(Self.snapshot(phase: .closed)).state == .closed)
        #expect(ServerStatus(Self.snapshot(phase: .connecting)).state == .connecting)
    }

    @Test func aRestartingServerKeepsOfferingTheToolsItHadUntilTheRestartEnds() {
        var machine = Machine()
        _ = machine.register(Self.a, gate: Self.gate(), attempts: 1)
        let first = Connection(1, tools: ["echo", "add"])
        _ = machine.connectSucceeded("a", generation: 1, client: first, cancelled: false)
        machine.connectEnded("a", generation: 1)
        first.die()
        _ = machine.restartRequested("a")
        #expect(machine.servers["a"]?.phase == .connecting)
        #expect(machine.servers["a"]?.toolsDuringRestart?.map(\.name) == ["echo", "add"])
        // The new connection's own list takes over once it is adopted.
        _ = machine.connectSucceeded("a", generation: 1, client: Connection(2, tools: ["echo"]), cancelled: false)
        #expect(machine.servers["a"]?.toolsDuringRestart == nil)
        // A restart that fails offers nothing: the server is down, not coming back.
        machine.connectEnded("a", generation: 1)
        _ = machine.restartRequested("a")
        #expect(machine.servers["a"]?.toolsDuringRestart?.map(\.name) == ["echo"])
        _ = machine.connectFailed("a", generation: 1, error: CancellationError(), cancelled: false)
        #expect(machine.servers["a"]?.toolsDuringRestart == nil)
    }
}
