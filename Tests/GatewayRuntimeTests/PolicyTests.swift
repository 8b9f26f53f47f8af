import Foundation
@testable import GatewayRuntime
import MCP
import MCPGateway
import ModelClient
import Orchestrator
import Testing

/// The runtime's pure policies: reachability, failure categories, argument typing.
@Suite("Runtime policies")
struct PolicyTests {
    func status(_ name: String, _ state: ServerStatus.State, error: String? = nil) -> ServerStatus {
        ServerStatus(
            name: name, transport: "stdio", state: state, endpoint: name, protocolVersion: nil, serverName: nil, serverVersion: nil,
            tools: nil, error: error, lastLatencyMs: nil, p50LatencyMs: nil, consecutiveFailures: 0, circuit: "closed", tokenExpiresAt: nil)
    }

    @Test func reachabilityNamesFailuresAndStopsOnlyWhenNothingIsUp() {
        let down = status("a", .failed, error: "server 'a': command 'x' was not found in PATH")
        #expect(Reachability.evaluate([down], requirement: .anyServer) == .stop(failures: [], message: "server 'a': command 'x' was not found in PATH"))
        #expect(Reachability.evaluate([down], requirement: .none) == .proceed(failures: ["server 'a': command 'x' was not found in PATH"]))
        let twoDown = [down, status("b", .failed)]
        #expect(Reachability.evaluate(twoDown, requirement: .anyServer)
            == .stop(failures: ["server 'a': command 'x' was not found in PATH", "server 'b' failed"], message: "no server is reachable"))
        #expect(Reachability.evaluate([down, status("c", .ready)], requirement: .anyServer) == .proceed(failures: ["server 'a': command 'x' was not found in PATH"]))
        #expect(Reachability.evaluate([status("d", .disabled)], requirement: .anyServer) == .proceed(failures: []), "a disabled server never counts")
        #expect(Reachability.evaluate([], requirement: .anyServer) == .proceed(failures: []))
    }

    @Test func everyErrorHasOneCategoryAndExitStatus() {
        #expect(FailureCategory(of: ConfigError(file: "f", message: "m")).exitStatus == 2)
        #expect(FailureCategory(of: ToolArgumentErrorProbe.make()).exitStatus == 2)
        #expect(FailureCategory(of: MCPClientError(.cancelled, server: "s", "x")) == .interrupted)
        #expect(FailureCategory(of: MCPClientError(.notConnected, server: "s", "x")).exitStatus == 3)
        #expect(FailureCategory(of: ModelClientError(.unreachable, url: "u", "x")).exitStatus == 1)
        #expect(FailureCategory(of: OrchestratorError.busy) == .modelFailure)
        #expect(FailureCategory(of: CancellationError()).exitStatus == 130)
        #expect(FailureCategory(of: RuntimeFailure.usage("u")).exitStatus == 2)
        #expect(FailureCategory(of: MCPManagerError.unknownTool("x", suggestions: [])) == .usage)
        #expect(FailureCategory.toolError.exitStatus == 1)
    }

    @Test func argumentsAreTypedByTheSchema() throws {
        let schema: Value = ["type": "object", "properties": [
            "n": ["type": "integer"], "x": ["type": "number"], "s": ["type": "string"], "b": ["type": "boolean"],
            "list": ["type": "array"], "either": ["anyOf": [["type": "integer"], ["type": "null"]]],
        ]]
        let built = try ToolArguments.build(json: #"{"s": "kept"}"#, pairs: ["n=2", "x=2.5", "b=yes", "list=[1,2]", "either=null", "free=3"], schema: schema)
        #expect(built == ["s": "kept", "n": 2, "x": 2.5, "b": true, "list": [1, 2], "either": .null, "free": 3])
        #expect(try ToolArguments.build(json: nil, pairs: ["s=12"], schema: schema) == ["s": "12"], "a string stays a string")
        #expect(throws: ToolArgumentError.self) { try ToolArguments.build(json: nil, pairs: ["n=two"], schema: schema) }
        #expect(throws: ToolArgumentError.self) { try ToolArguments.build(json: nil, pairs: ["=2"], schema: schema) }
        #expect(throws: ToolArgumentError.self) { try ToolArguments.build(json: "[1]", pairs: [], schema: schema) }
        do {
            _ = try ToolArguments.build(json: nil, pairs: ["n=two"], schema: schema)
            Issue.record("a word where the schema says integer must be refused")
        } catch {
            #expect("\(error)" == "argument 'n': 'two' is not integer")
        }
    }
}

/// A `ToolArgumentError` as the coercion makes it.
enum ToolArgumentErrorProbe {
    static func make() -> any Error {
        do { _ = try ToolArguments.split("nokey") } catch { return error }
        return CancellationError()
    }
}

/// `"command": "lmg"` means the lmg that runs, or the one beside a sibling program.
@Suite("Self alias")
struct SelfAliasTests {
    @Test func lmgMeansTheRunningLmgOrTheOneBesideIt() throws {
        let dir = NSTemporaryDirectory() + "lmg-alias-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(SelfExecutable.lmg(runningAt: dir + "/lmg") == dir + "/lmg")
        #expect(SelfExecutable.lmg(runningAt: dir + "/lmg-0.1.0") == dir + "/lmg-0.1.0", "a renamed lmg is still itself")
        #expect(SelfExecutable.lmg(runningAt: dir + "/lmg-bench") == nil, "no lmg beside it: PATH decides")
        FileManager.default.createFile(atPath: dir + "/lmg", contents: Data("#!/bin/sh\n".utf8), attributes: [.posixPermissions: 0o755])
        #expect(SelfExecutable.lmg(runningAt: dir + "/lmg-bench") == dir + "/lmg")
    }
}
