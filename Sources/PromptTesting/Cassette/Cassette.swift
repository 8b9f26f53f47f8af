import Foundation
import MCP
import ModelClient

/// The recording of one test run (one repeat of one test): every model request it made, keyed
/// by a hash of the canonical request, with the answer; and, for `toolResults: recorded`, the
/// tools listed and every tool call's result. JSON with sorted keys, so a re-recording diffs well.
///
/// Only request bodies and answers are kept: headers, and so API keys and `Authorization`,
/// never reach a cassette.
public struct Cassette: Codable, Sendable {
    /// One model request and its answer.
    public struct Interaction: Codable, Sendable {
        public var key: String
        public var request: JSONValue
        public var response: RecordedTurn
    }

    /// A model answer, with the streamed text pieces so a replay streams as the model did.
    public struct RecordedTurn: Codable, Sendable {
        public var message: ChatMessage
        public var finishReason: String?
        public var usage: TokenUsage?
        public var deltas: [String]?
        /// How long the model took to answer when recorded; replay adds it to the turn's time.
        public var latencyMs: Double?

        enum CodingKeys: String, CodingKey {
            case message, usage, deltas
            case finishReason = "finish_reason"
            case latencyMs = "latency_ms"
        }
    }

    /// The MCP side, for tests that replay tool results too.
    public struct ToolRecording: Codable, Sendable {
        public var tools: [RecordedTool] = []
        public var resourceServers: [String] = []
        public var calls: [RecordedCall] = []

        enum CodingKeys: String, CodingKey {
            case tools, calls
            case resourceServers = "resource_servers"
        }
    }

    public struct RecordedTool: Codable, Sendable {
        public var server: String
        public var tool: Tool
    }

    /// One router call: `call` (a tool), `resources`, `templates` or `read`, and what it returned.
    public struct RecordedCall: Codable, Sendable {
        public var kind: String
        public var server: String
        /// The tool name or the resource URI.
        public var name: String?
        public var arguments: Value?
        public var result: Value?
        /// The error's text when the call failed.
        public var error: String?
    }

    public var format: Int = 1
    public var prompt: String
    public var test: String
    public var repeatIndex: Int
    public var interactions: [Interaction] = []
    public var tools: ToolRecording?

    enum CodingKeys: String, CodingKey {
        case format = "lmg_cassette", prompt, test, interactions, tools
        case repeatIndex = "repeat"
    }

    public init(prompt: String, test: String, repeatIndex: Int) {
        (self.prompt, self.test, self.repeatIndex) = (prompt, test, repeatIndex)
    }

    /// Reads a cassette; nil when the file does not exist.
    public static func load(_ path: String) throws(CassetteError) -> Cassette? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        do {
            let cassette = try JSONDecoder().decode(Cassette.self, from: data)
            guard cassette.format == 1 else { throw CassetteError(path: path, message: "cassette format \(cassette.format) is newer than this lmg reads (1)") }
            return cassette
        } catch let error as CassetteError {
            throw error
        } catch {
            throw CassetteError(path: path, message: "not a cassette lmg can read (\(error)); record it again with --record rewrite")
        }
    }

    /// Writes atomically, creating the folder.
    public func save(_ path: String) throws(CassetteError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            var data = try encoder.encode(self)
            data.append(0x0A)
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CassetteError(path: path, message: "cannot write the cassette: \(error.localizedDescription)")
        }
    }
}

/// A cassette that cannot be read or written.
public struct CassetteError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
}
