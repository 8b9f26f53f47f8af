import CurlHTTP
import Foundation
import MCP
import MCPGateway
import Locking
import TestSupport
import Testing

/// MCP over WebSocket against the Python SDK 1.30.0's WebSocket server (ws_fixture.py): the `mcp`
/// subprotocol, list and call, progress, cancellation, the close handshake, a dead peer found by
/// pings, and a server killed mid-call that the manager connects to again.
@Suite("WebSocket transport against the Python SDK's WebSocket server", .serialized)
struct WebSocketTransportTests {
    static func record() -> String { NSTemporaryDirectory() + "lmg-ws-record-\(UUID().uuidString).txt" }

    static func recorded(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    static func server(record: String, port: Int = 0) async throws -> FixtureProcess {
        try await FixtureProcess.start(Repo.python1, [Repo.fixture("ws_fixture.py"), "--port", "\(port)", "--record", record])
    }

    static func entry(_ fixture: FixtureProcess, path: String = "/ws") -> MCPServerConfig {
        var config = MCPServerConfig.ws("ws", url: "ws://127.0.0.1:\(fixture.port)\(path)")
        config.timeout = .seconds(30)
        return config
    }

    static func text(_ result: CallTool.Result) -> String {
        result.content.compactMap { if case .text(let text, _, _) = $0 { text } else { nil } }.joined()
    }

    /// Waits until `condition` holds (at most `seconds`).
    static func eventually(_ seconds: Double = 5, _ condition: () async -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(25))
        }
        return await condition()
    }

    @Test func listCallProgressAndTheCloseHandshake() async throws {
        let record = Self.record()
        let fixture = try await Self.server(record: record)
        defer { fixture.stopInBackground() }
        let client = MCPClient(config: Self.entry(fixture), options: TestOptions.client())
        try await client.connect()
        #expect(client.transportName == "ws" && client.era == .legacy && client.protocolVersion == "2025-11-25")
        #expect(Self.recorded(record).contains("subprotocols mcp"), "the handshake offered the mcp subprotocol")
        #expect(Set(try await client.listTools().map(\.name)) == ["echo", "slow", "pid"])
        #expect(Self.text(try await client.callTool("echo", arguments: ["text": "über the wire"])) == "über the wire")
        // Calls at once are matched to their answers by id.
        let texts = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<20 { group.addTask { Self.text(try await client.callTool("echo", arguments: ["text": .string("m\(index)")])) } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(texts == Set((0..<20).map { "m\($0)" }))

        let steps = Locked<[Double]>([])
        let slept = try await client.callTool("slow", arguments: ["seconds": 0.3, "steps": 3]) { progress in
            steps.withLock { $0.append(progress.progress) }
        }
        #expect(Self.text(slept) == "slept" && steps.withLock { $0 } == [1, 2, 3])

        await client.close()
        #expect(await Self.eventually { Self.recorded(record).contains("disconnect 1000") }, "closed with the close handshake: \(Self.recorded(record))")
    }

    @Test func aCancelledCallIsCancelledAtTheServerAndTheConnectionGoesOn() async throws {
        let record = Self.record()
        let fixture = try await Self.server(record: record)
        defer { fixture.stopInBackground() }
        let client = MCPClient(config: Self.entry(fixture), options: TestOptions.client())
        try await withPeer(client, stop: { await $0.close() }) { client in
            try await client.connect()
            let call = Task { try await client.callTool("slow", arguments: ["seconds": 30]) }
            try await Task.sleep(for: .milliseconds(500))
            let started = ContinuousClock.now
            call.cancel()
            await #expect(throws: (any Error).self) { try await call.value }
            #expect(ContinuousClock.now - started < .seconds(5))
            #expect(await Self.eventually { Self.recorded(record).contains("cancelled slow") }, "notifications/cancelled reached the server")
            #expect(Self.text(try await client.callTool("echo", arguments: ["text": "still here"])) == "still here")
        }
    }

    @Test func aPeerThatStopsAnsweringIsFoundByItsPings() async throws {
        let fixture = try await Self.server(record: Self.record())
        defer {
            kill(fixture.process.processIdentifier, SIGCONT)
            fixture.stopInBackground()
        }
        var options = TestOptions.client()
        options.webSocketPingInterval = .milliseconds(200)
        let client = MCPClient(config: Self.entry(fixture), options: options)
        try await withPeer(client, stop: { await $0.close() }) { client in
            try await client.connect()
            // Frozen, not closed: the TCP connection stays up, only the pongs stop.
            kill(fixture.process.processIdentifier, SIGSTOP)
            let call = Task { try await client.callTool("echo", arguments: ["text": "anyone?"]) }
            let started = ContinuousClock.now
            let error = await #expect(throws: MCPClientError.self) { try await call.value }
            #expect(ContinuousClock.now - started < .seconds(10), "ended by the missing pong, not by the call's 30 s limit")
            #expect(error.map { "\($0)" }?.contains("server 'ws'") == true && error.map { "\($0)" }?.contains("stopped answering pings") == true, "\(String(describing: error))")
        }
    }

    @Test func aServerKilledMidCallFailsThatCallAndTheManagerConnectsAgain() async throws {
        let port = try freeLoopbackPort()
        let first = try await Self.server(record: Self.record(), port: port)
        let manager = MCPManager(
            options: TestOptions.client(),
            policy: ManagerPolicy(retry: RetryPolicy(base: .milliseconds(20), cap: .milliseconds(100), attempts: 3), breakerThreshold: 50))
        await manager.addServers([Self.entry(first)])
        let pid = Self.text(try await manager.callTool(server: "ws", tool: "pid"))
        let call = Task { try await manager.callTool(server: "ws", tool: "slow", arguments: ["seconds": 30]) }
        try await Task.sleep(for: .milliseconds(500))
        kill(first.process.processIdentifier, SIGKILL)
        let started = ContinuousClock.now
        await #expect(throws: (any Error).self) { try await call.value }
        #expect(ContinuousClock.now - started < .seconds(10), "the caller learns when the server dies")
        #expect(await Self.eventually { await manager.status().first?.state == .failed })
        first.stop()

        let second = try await Self.server(record: Self.record(), port: port)
        defer { second.stopInBackground() }
        let again = Self.text(try await manager.callTool(server: "ws", tool: "pid"))
        #expect(again != pid && again == "\(second.process.processIdentifier)", "a new connection to the new process")
        #expect(await manager.status().first?.state == .ready)
        await manager.shutdown()
    }

    @Test func aServerThatNeverAnswersTheUpgradeTimesOutAndIsCutOff() async throws {
        let (fd, port) = try silentLoopbackListener()
        defer { close(fd) }
        var config = MCPServerConfig.ws("mute", url: "ws://127.0.0.1:\(port)/ws")
        config.timeout = .seconds(1)
        let client = MCPClient(config: config, options: TestOptions.client())
        let started = ContinuousClock.now
        let error = await #expect(throws: MCPClientError.self) { try await client.connect() }
        #expect(error.map { "\($0)" }?.contains("within") == true, "\(String(describing: error))")
        // The client library waits on the upgrade without heeding cancellation: close() must not.
        await client.close()
        #expect(ContinuousClock.now - started < .seconds(8), "connect and close gave up in time")
    }

    @Test func refusedConnectionsAndUpgradesAreOneLineErrors() async throws {
        let fixture = try await Self.server(record: Self.record())
        defer { fixture.stopInBackground() }
        let wrongPath = MCPClient(config: Self.entry(fixture, path: "/nope"), options: TestOptions.client())
        let refused = await #expect(throws: MCPClientError.self) { try await wrongPath.connect() }
        #expect(refused.map { "\($0)" }?.contains("refused the WebSocket upgrade") == true, "\(String(describing: refused))")
        await wrongPath.close()

        var closed = Self.entry(fixture)
        closed.url = "ws://127.0.0.1:\(try freeLoopbackPort())/ws"
        let nobody = MCPClient(config: closed, options: TestOptions.client())
        let error = await #expect(throws: MCPClientError.self) { try await nobody.connect() }
        let line = error.map { "\($0)" } ?? ""
        #expect(line.contains("server 'ws'") && line.contains("cannot connect to ws://127.0.0.1:") && !line.contains("\n"), "\(line)")
        await nobody.close()
    }
}
