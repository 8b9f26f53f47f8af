import Foundation
import MCPGateway
import ModelClient
import Orchestrator
import TestSupport

func call(_ id: String, _ name: String, _ arguments: String) -> [String: Any] {
    scriptedCall(id, name, arguments)
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

    static func stdio(_ name: String, _ extra: [String] = []) -> FixtureServer {
        let path = NSTemporaryDirectory() + "lmg-record-\(UUID().uuidString).txt"
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        return FixtureServer(
            config: .stdio(name, command: Repo.python, args: [Repo.fixture("mcp_fixture.py"), "--record", path] + extra),
            recordPath: path)
    }

    /// The lines the fixture recorded (initialize, tool NAME, cancelled ID, slow-interrupted …).
    var recorded: [String] {
        ((try? String(contentsOfFile: recordPath, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }
}

/// Client options for tests: logs under a temp folder, short shutdown grace.
let testClientOptions = MCPClientOptions(logDirectory: NSTemporaryDirectory() + "lmg-orch-logs", shutdownGrace: .seconds(1))
