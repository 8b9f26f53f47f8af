import Foundation
import MCPGateway
import Orchestrator
import TestSupport

/// The scripted OpenAI-compatible server (Tests/Fixtures/model_server.py) and what it received.
final class ScriptedModel: Sendable {
    let process: FixtureProcess
    let logPath: String

    /// Starts the server with `script` (entries served in order, then its rules).
    static func start(_ script: [[String: Any]] = [], strict: Bool = false) async throws -> ScriptedModel {
        let dir = NSTemporaryDirectory() + "lmg-model-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let scriptPath = dir + "/script.json"
        try JSONSerialization.data(withJSONObject: script).write(to: URL(fileURLWithPath: scriptPath))
        var args = ["--script", scriptPath, "--log", dir + "/requests.jsonl"]
        if strict { args.append("--strict") }
        let process = try await FixtureProcess.python("model_server.py", args)
        return ScriptedModel(process: process, logPath: dir + "/requests.jsonl")
    }

    private init(process: FixtureProcess, logPath: String) {
        self.process = process
        self.logPath = logPath
    }

    var baseURL: String { process.url("/v1") }

    func config(stream: Bool = true, apiKey: String? = "sk-test-key") -> ModelConfig {
        ModelConfig(baseURL: baseURL, apiKey: apiKey, name: "scripted", stream: stream, timeout: .seconds(20))
    }

    /// A client that retries quickly, so rate-limit tests stay short.
    func client(stream: Bool = true) -> OpenAIChatClient {
        OpenAIChatClient(config: config(stream: stream), retry: RetryPolicy(base: .milliseconds(50), cap: .milliseconds(200), attempts: 3))
    }

    /// Every request body received, in order.
    func requests() throws -> [[String: Any]] {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            return object
        }
    }

    /// The request bodies' `messages` arrays.
    func bodies() throws -> [[String: Any]] { try requests().map { $0["body"] as! [String: Any] } }

    /// The tool messages the model received in request `index`.
    func toolMessages(inRequest index: Int) throws -> [[String: Any]] {
        let messages = try bodies()[index]["messages"] as! [[String: Any]]
        return messages.filter { $0["role"] as? String == "tool" }
    }

    func stop() { process.stop() }
}

/// A tool call entry for a script.
func call(_ id: String, _ name: String, _ arguments: String) -> [String: Any] {
    ["id": id, "name": name, "arguments": arguments]
}

/// Everything a turn emitted, and how it ended.
struct TurnRecord {
    var events: [OrchestratorEvent] = []
    var summary: TurnSummary?
    var error: (any Error)?

    var text: String {
        events.compactMap { if case .textDelta(let t) = $0 { return t } else { return nil } }.joined()
    }

    var finished: [ToolCallOutcome] {
        events.compactMap { if case .toolCallFinished(let o) = $0 { return o } else { return nil } }
    }

    var started: [ToolCallRequest] {
        events.compactMap { if case .toolCallStarted(let r) = $0 { return r } else { return nil } }
    }
}

func record(_ orchestrator: Orchestrator, _ text: String) async -> TurnRecord {
    var record = TurnRecord()
    do {
        for try await event in await orchestrator.send(text) {
            record.events.append(event)
            if case .turnFinished(let summary) = event { record.summary = summary }
        }
    } catch {
        record.error = error
    }
    return record
}

/// The Python MCP fixture server over stdio, recording what it saw to a file.
struct FixtureServer {
    let config: MCPServerConfig
    let recordPath: String

    static func stdio(_ name: String) -> FixtureServer {
        let path = NSTemporaryDirectory() + "lmg-record-\(UUID().uuidString).txt"
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        return FixtureServer(
            config: .stdio(name, command: Repo.python, args: [Repo.fixture("mcp_fixture.py"), "--record", path]),
            recordPath: path)
    }

    /// The lines the fixture recorded (initialize, tool NAME, cancelled ID, slow-interrupted …).
    var recorded: [String] {
        ((try? String(contentsOfFile: recordPath, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }
}

/// Client options for tests: logs under a temp folder, short shutdown grace.
let testClientOptions = MCPClientOptions(logDirectory: NSTemporaryDirectory() + "lmg-orch-logs", shutdownGrace: .seconds(1))
