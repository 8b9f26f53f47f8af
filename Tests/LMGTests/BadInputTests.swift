import Foundation
import TestSupport
import Testing

/// Every kind of bad input gives one line on stderr naming what is wrong, and the documented status.
@Suite("lmg: bad input")
struct BadInputTests {
    static let timeServer = #"{"mcpServers": {"time": {"command": "\#(Repo.python)", "args": ["-m", "mcp_server_time", "--local-timezone", "UTC"]}}}"#

    func expectOneLineError(_ result: CommandResult, status: Int32, containing parts: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == status, "\(result)", sourceLocation: sourceLocation)
        let lines = result.stderrLines.filter { !$0.hasPrefix("lmg: warning:") }
        #expect(lines.count == 1, "\(result)", sourceLocation: sourceLocation)
        for part in parts {
            #expect(result.stderr.contains(part), "missing '\(part)' in \(result)", sourceLocation: sourceLocation)
        }
        #expect(!result.stderr.contains("Fatal error"), sourceLocation: sourceLocation)
    }

    @Test func undefinedVariable() async throws {
        let path = try writeConfig(#"{"mcpServers": {"api": {"url": "http://127.0.0.1:9/mcp", "headers": {"Authorization": "Bearer ${LMG_TEST_UNSET_TOKEN}"}}}}"#)
        let result = try await runLMG(["tools", "--config", path])
        expectOneLineError(result, status: 2, containing: [path, "server 'api'", "LMG_TEST_UNSET_TOKEN"])
    }

    @Test func malformedJSON() async throws {
        let path = try writeConfig("{\n  \"mcpServers\": {\n    \"a\": {\"command\" \"x\"}\n  }\n}\n")
        let result = try await runLMG(["tools", "--config", path])
        expectOneLineError(result, status: 2, containing: [path, "malformed JSON at line 3, column 21"])
    }

    @Test func missingConfigFile() async throws {
        let result = try await runLMG(["tools", "--config", "/nonexistent/lmg.json"])
        expectOneLineError(result, status: 2, containing: ["/nonexistent/lmg.json", "no such file"])
    }

    @Test func commandThatDoesNotExist() async throws {
        let path = try writeConfig(#"{"mcpServers": {"ghost": {"command": "lmg-no-such-command-xyz"}}}"#)
        let result = try await runLMG(["tools", "--config", path])
        expectOneLineError(result, status: 3, containing: ["server 'ghost'", "lmg-no-such-command-xyz", "not found"])
    }

    @Test func serverThatExitsAtOnce() async throws {
        let path = try writeConfig(#"{"mcpServers": {"dies": {"command": "sh", "args": ["-c", "echo boom-on-stderr >&2; exit 7"]}}}"#)
        let result = try await runLMG(["tools", "--config", path])
        expectOneLineError(result, status: 3, containing: ["server 'dies'", "exited with status 7", "boom-on-stderr"])
    }

    @Test func unknownServer() async throws {
        let path = try writeConfig(Self.timeServer)
        let result = try await runLMG(["call", "nope", "get_current_time", "--config", path])
        expectOneLineError(result, status: 2, containing: ["no server named 'nope'", "time"])
    }

    @Test func unknownTool() async throws {
        let path = try writeConfig(Self.timeServer)
        let result = try await runLMG(["call", "time", "get_current_tim", "--config", path])
        expectOneLineError(result, status: 2, containing: ["server 'time' has no tool 'get_current_tim'", "did you mean 'get_current_time'"])
    }

    @Test func argsThatAreNotJSON() async throws {
        let path = try writeConfig(Self.timeServer)
        let result = try await runLMG(["call", "time", "get_current_time", "--args", "{timezone: UTC", "--config", path])
        expectOneLineError(result, status: 2, containing: ["--args is not valid JSON"])
    }

    @Test func toolErrorExitsOne() async throws {
        let path = try writeConfig(Self.timeServer)
        let result = try await runLMG(["call", "time", "get_current_time", "timezone=Not/AZone", "--config", path])
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("tool 'get_current_time' returned an error"))
    }

    @Test func healthyServersStillListedWhenOneFails() async throws {
        let path = try writeConfig(#"{"mcpServers": {"ghost": {"command": "lmg-no-such-command-xyz"}, "time": {"command": "\#(Repo.python)", "args": ["-m", "mcp_server_time"]}}}"#)
        let result = try await runLMG(["tools", "--config", path])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("get_current_time"))
        #expect(result.stderr.contains("server 'ghost'"))
    }

    /// A server that dies in the middle of a listing (its restart failing) is named; the servers
    /// after it are still listed.
    @Test(arguments: [("prompts", "explain_file"), ("resources", "lmg://server/about")])
    func aServerLostMidListingHidesNoOther(command: String, expected: String) async throws {
        let pidfile = NSTemporaryDirectory() + "lmg-victim-\(UUID().uuidString).pid"
        defer { try? FileManager.default.removeItem(atPath: pidfile) }
        let bad = Repo.fixture("bad_server.py")
        let path = try writeConfig(#"""
            {"mcpServers": {
              "a-killer": {"command": "\#(Repo.python)", "args": ["\#(bad)", "--mode", "peer-killer", "--pidfile", "\#(pidfile)"]},
              "b-victim": {"command": "\#(Repo.python)", "args": ["\#(bad)", "--mode", "killable", "--pidfile", "\#(pidfile)"]},
              "builtin": {"command": "lmg", "args": ["mcp-server"]}},
             "manager": {"retry_attempts": 1}}
            """#)
        let result = try await runLMG([command, "--config", path])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains(expected), "\(result)")
        #expect(result.stderr.contains("b-victim"), "\(result)")
    }

    @Test func unknownKeysAreWarned() async throws {
        let path = try writeConfig(#"{"mcpServers": {"time": {"command": "\#(Repo.python)", "args": ["-m", "mcp_server_time"], "tool_timout": 5}}}"#)
        let result = try await runLMG(["tools", "--config", path])
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.contains("warning: \(path): server 'time': unknown key 'tool_timout'"))
    }

    @Test func urlThatRefusesConnections() async throws {
        let path = try writeConfig(#"{"mcpServers": {"down": {"type": "http", "url": "http://127.0.0.1:9/mcp"}}}"#)
        let result = try await runLMG(["call", "down", "echo", "text=hi", "--config", path])
        expectOneLineError(result, status: 3, containing: ["down"])
    }

    @Test func toolCallThatOutlivesItsTimeout() async throws {
        let fixture = Repo.fixture("mcp_fixture.py")
        let path = try writeConfig(#"{"mcpServers": {"fx": {"command": "\#(Repo.python)", "args": ["\#(fixture)"], "tool_timeout": 0.5}}}"#)
        // The limit only guards against a hang: a loaded CI machine can take long to start Python.
        let result = try await runLMG(["call", "fx", "slow", "seconds=10", "--config", path], timeout: 90)
        expectOneLineError(result, status: 3, containing: ["fx", "tools/call", "0.5 s"])
    }
}
