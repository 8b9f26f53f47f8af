import Foundation
import MCP
import MCPGateway
import Orchestrator

/// The MCP side of a `toolResults: recorded` test: while recording, passes everything to the
/// real router and keeps the tool list, the resource listings and each call's result; in
/// replay, answers from those alone, so the test needs no server. A call not recorded fails —
/// or, with `--record new`, goes to the real router and is added to the recording.
public actor CassetteToolRouter: ToolRouter {
    private let base: (any ToolRouter)?
    /// Recorded answers are used first; `base` only answers what is not recorded.
    private let replaysFirst: Bool
    private var recording: Cassette.ToolRecording
    private var played: Set<Int> = []
    /// Calls the recording had no answer for, one line each.
    public private(set) var misses: [String] = []

    /// Records through `base`.
    public init(recordingThrough base: any ToolRouter) {
        self.base = base
        replaysFirst = false
        recording = .init()
    }

    /// Replays `recording`; with `missingFrom`, what it lacks is asked there and recorded.
    public init(replaying recording: Cassette.ToolRecording, missingFrom base: (any ToolRouter)? = nil) {
        self.base = base
        replaysFirst = true
        self.recording = recording
    }

    /// What was recorded (for the cassette).
    public var contents: Cassette.ToolRecording { recording }

    public func namespace() async -> ToolNamespace {
        guard let base, !(replaysFirst && !recording.tools.isEmpty) else { return ToolNamespace(recording.tools.map { ($0.server, $0.tool) }) }
        let namespace = await base.namespace()
        recording.tools = namespace.tools.map { Cassette.RecordedTool(server: $0.server, tool: $0.tool) }
        return namespace
    }

    public func resourceServers() async -> [String] {
        guard let base, !(replaysFirst && !recording.tools.isEmpty) else { return recording.resourceServers }
        recording.resourceServers = await base.resourceServers()
        return recording.resourceServers
    }

    public func callTool(
        server: String, tool: String, arguments: [String: Value]?, timeout: Duration?, onProgress: MCPProgressHandler?
    ) async throws -> CallTool.Result {
        let args = arguments.map(Value.object)
        return try await exchange(kind: "call", server: server, name: tool, arguments: args) { base in
            try await base.callTool(server: server, tool: tool, arguments: arguments, timeout: timeout, onProgress: onProgress)
        }
    }

    public func listResources(server: String) async throws -> [Resource] {
        try await exchange(kind: "resources", server: server, name: nil, arguments: nil) { try await $0.listResources(server: server) }
    }

    public func listResourceTemplates(server: String) async throws -> [Resource.Template] {
        try await exchange(kind: "templates", server: server, name: nil, arguments: nil) { try await $0.listResourceTemplates(server: server) }
    }

    public func readResource(server: String, uri: String) async throws -> ReadResource.Result {
        try await exchange(kind: "read", server: server, name: uri, arguments: nil) { try await $0.readResource(server: server, uri: uri) }
    }

    private func exchange<Result: Codable & Sendable>(
        kind: String, server: String, name: String?, arguments: Value?, live: @Sendable (any ToolRouter) async throws -> Result
    ) async throws -> Result {
        if let base, !replaysFirst {
            return try await record(kind: kind, server: server, name: name, arguments: arguments, base: base, live: live)
        }
        let matches = recording.calls.indices.filter { index in
            let call = recording.calls[index]
            return call.kind == kind && call.server == server && call.name == name && call.arguments.map(ValueText.compact) == arguments.map(ValueText.compact)
        }
        guard let index = matches.first(where: { !played.contains($0) }) ?? matches.first else {
            if let base { return try await record(kind: kind, server: server, name: name, arguments: arguments, base: base, live: live) }
            let what = [kind, server, name, arguments.map(ValueText.compact)].compactMap { $0 }.joined(separator: " ")
            misses.append("no recorded tool result for \(what)")
            throw ReplayedToolError(message: "lmg prompt test: no recorded result for this call (re-record with --record new)")
        }
        played.insert(index)
        let call = recording.calls[index]
        if let error = call.error { throw ReplayedToolError(message: error) }
        return try JSONDecoder().decode(Result.self, from: JSONEncoder().encode(call.result ?? .null))
    }

    private func record<Result: Codable & Sendable>(
        kind: String, server: String, name: String?, arguments: Value?, base: any ToolRouter, live: @Sendable (any ToolRouter) async throws -> Result
    ) async throws -> Result {
        var call = Cassette.RecordedCall(kind: kind, server: server, name: name, arguments: arguments)
        do {
            let result = try await live(base)
            call.result = try Self.value(of: result)
            recording.calls.append(call)
            played.insert(recording.calls.count - 1)
            return result
        } catch {
            call.error = FailureText.of(error)
            recording.calls.append(call)
            played.insert(recording.calls.count - 1)
            throw error
        }
    }

    private static func value<T: Encodable>(of result: T) throws -> Value {
        try JSONDecoder().decode(Value.self, from: JSONEncoder().encode(result))
    }
}

/// A recorded call's failure, played back with the text it had.
public struct ReplayedToolError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// The one-line text of an error, as a recording keeps it.
enum FailureText {
    static func of(_ error: Error) -> String {
        // As the orchestrator words a failed call, so a replayed failure reads the same to the model.
        "\(error)"
    }
}
