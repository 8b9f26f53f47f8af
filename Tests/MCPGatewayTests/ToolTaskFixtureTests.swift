import Foundation
import JSONRPC
import MCP
import MCPGateway
import Locking
import TestSupport
import Testing

/// Tools that run as tasks, against the official SDKs: 2026-07-28's tasks extension
/// (Tests/Fixtures/tasks_fixture.py on mcp 2.3.0) and 2025-11-25's experimental tasks
/// (Tests/Fixtures/legacy_tasks_fixture.py on mcp 1.30.0), over stdio and Streamable HTTP.
/// Each fixture logs the task requests it got, so the tests see the polls and cancels.
@Suite("Tool tasks against the SDKs", .serialized)
struct ToolTaskFixtureTests {
    enum Server: String, CaseIterable, Sendable {
        case modernStdio, modernHTTP, legacyStdio, legacyHTTP

        var legacy: Bool { self == .legacyStdio || self == .legacyHTTP }
        var http: Bool { self == .modernHTTP || self == .legacyHTTP }
    }

    struct Peer: Sendable {
        let client: MCPClient
        let process: FixtureProcess?
        let log: String

        func stop() async {
            await client.close()
            process?.stop()
            try? FileManager.default.removeItem(atPath: log)
        }

        /// The fixture's log lines so far.
        var lines: [String] {
            ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }

        /// Waits (up to 10 s) for a log line starting with `prefix`; returns it.
        func waitForLine(_ prefix: String) async throws -> String {
            for _ in 0..<500 {
                if let line = lines.first(where: { $0.hasPrefix(prefix) }) { return line }
                try await Task.sleep(for: .milliseconds(20))
            }
            throw FixtureError("no log line '\(prefix)…' in:\n\(lines.joined(separator: "\n"))")
        }
    }

    /// Answers elicitations as a person would, recording what was asked.
    final class Person: ServerRequestRelay {
        let asked = Locked<[String]>([])
        let answer: Value

        init(answer: Value) { self.answer = answer }

        func relay(method: String, params: Value?, server: String) async throws(JSONRPCErrorObject) -> Value? {
            guard method == "elicitation/create" else { return nil }
            let message: String
            if case .object(let object)? = params, case .string(let text)? = object["message"] { message = text } else { message = "?" }
            asked.withLock { $0.append(message) }
            return answer
        }
    }

    static func connect(_ server: Server) async throws -> Peer {
        let log = NSTemporaryDirectory() + "lmg-tasks-\(UUID().uuidString).log"
        let script = server.legacy ? "legacy_tasks_fixture.py" : "tasks_fixture.py"
        let python = server.legacy ? Repo.python1 : Repo.python
        let flags = ["--log", log, "--poll-ms", "30"]
        var process: FixtureProcess?
        var config: MCPServerConfig
        if server.http {
            let started = try await FixtureProcess.start(python, [Repo.fixture(script), "--transport", "streamable-http", "--port", "0"] + flags)
            process = started
            config = .http("tk", url: started.url("/mcp"))
        } else {
            config = .stdio("tk", command: python, args: [Repo.fixture(script)] + flags)
            config.timeout = .seconds(120)
        }
        config.toolTimeout = .seconds(30)
        var options = TestOptions.client()
        options.answeredInputs = .elicitation
        let client = MCPClient(config: config, options: options)
        do {
            try await client.connect()
            _ = try await client.listTools()
        } catch {
            process?.stop()
            throw error
        }
        return Peer(client: client, process: process, log: log)
    }

    static func text(_ result: CallTool.Result) -> String {
        result.content.compactMap { if case .text(let text, _, _) = $0 { text } else { nil } }.joined()
    }

    @Test(arguments: Server.allCases)
    func aTaskIsFollowedToItsResultWithProgress(_ server: Server) async throws {
        let peer = try await Self.connect(server)
        try await withPeer(peer, stop: { await $0.stop() }) { peer in
            let seen = Locked<[String]>([])
            let result = try await peer.client.callTool("count_steps", arguments: ["steps": 3, "delay_ms": 60]) { progress in
                if let message = progress.message { seen.withLock { $0.append(message) } }
            }
            #expect(Self.text(result) == "counted 3 steps" && result.isError != true, "\(result)")
            #expect(seen.withLock { $0 }.contains("step 3 of 3") || seen.withLock { $0 }.contains("step 2 of 3"), "\(seen.withLock { $0 })")
            let lines = peer.lines
            #expect(lines.contains { $0.hasPrefix("get ") }, "polled: \(lines)")
            if server.legacy {
                #expect(lines.contains("call count_steps task=yes") && lines.contains { $0.hasPrefix("result ") }, "\(lines)")
            } else {
                #expect(lines.contains { $0.hasPrefix("create count_steps ") }, "\(lines)")
            }
            // A tool that is no task is called as before, on the same connection.
            #expect(Self.text(try await peer.client.callTool(server.legacy ? "maybe_task" : "echo", arguments: ["text": "plain"])) == "plain")
            if server.legacy { #expect(peer.lines.contains("call maybe_task task=no"), "\(peer.lines)") }
        }
    }

    @Test(arguments: Server.allCases)
    func whatATaskAsksIsAnsweredOnce(_ server: Server) async throws {
        let peer = try await Self.connect(server)
        try await withPeer(peer, stop: { await $0.stop() }) { peer in
            let person = Person(answer: ["action": "accept", "content": ["name": "Ada"]])
            let result = try await ServerRequestRelays.$current.withValue(person) {
                try await peer.client.callTool("ask_name")
            }
            #expect(Self.text(result) == "elicited: Ada", "\(result)")
            #expect(person.asked.withLock { $0 } == ["Your name?"], "asked once, though polls repeat it")
            if !server.legacy {
                let update = try await peer.waitForLine("update ")
                #expect(update.contains(#""name":"Ada""#), "\(update)")
            }
        }
    }

    @Test(arguments: Server.allCases)
    func aFailedTaskIsTheServersError(_ server: Server) async throws {
        let peer = try await Self.connect(server)
        try await withPeer(peer, stop: { await $0.stop() }) { peer in
            let error = await #expect(throws: MCPClientError.self) { _ = try await peer.client.callTool("fail_task") }
            #expect(error?.kind == .server(code: -32603), "\(String(describing: error))")
            #expect(error?.message.contains("the job broke") == true, "\(String(describing: error))")
            #expect(!peer.lines.contains { $0.hasPrefix("cancel ") }, "an ended task is not cancelled: \(peer.lines)")
        }
    }

    @Test(arguments: Server.allCases)
    func cancellingTheCallCancelsTheTask(_ server: Server) async throws {
        let peer = try await Self.connect(server)
        try await withPeer(peer, stop: { await $0.stop() }) { peer in
            let call = Task { try await peer.client.callTool("wait_forever") }
            _ = try await peer.waitForLine("get ")
            call.cancel()
            let outcome = await call.result
            guard case .failure(let error as MCPClientError) = outcome else {
                Issue.record("expected a cancelled call, got \(outcome)")
                return
            }
            #expect(error.kind == .cancelled, "\(error)")
            let cancel = try await peer.waitForLine("cancel ")
            let stopped = try await peer.waitForLine("cancelled ")
            #expect(cancel.dropFirst("cancel ".count) == stopped.dropFirst("cancelled ".count), "the same task: \(peer.lines)")
        }
    }

    @Test(arguments: [Server.modernStdio, .legacyStdio])
    func theCallsLimitCancelsTheTask(_ server: Server) async throws {
        let peer = try await Self.connect(server)
        try await withPeer(peer, stop: { await $0.stop() }) { peer in
            let error = await #expect(throws: MCPClientError.self) {
                _ = try await peer.client.callTool("wait_forever", timeout: .seconds(1))
            }
            guard case .timedOut? = error?.kind else {
                Issue.record("expected a time-out, got \(String(describing: error))")
                return
            }
            _ = try await peer.waitForLine("cancelled ")
        }
    }

    @Test func aToolErrorInsideATaskIsAnIsErrorResult() async throws {
        let peer = try await Self.connect(.modernStdio)
        try await withPeer(peer, stop: { await $0.stop() }) { peer in
            let result = try await peer.client.callTool("tool_error_task")
            #expect(result.isError == true && Self.text(result) == "bad input", "\(result)")
            // Done before the first poll's wait: the first answer is the end.
            #expect(Self.text(try await peer.client.callTool("immediate_task")).isEmpty == false)
        }
    }
}
