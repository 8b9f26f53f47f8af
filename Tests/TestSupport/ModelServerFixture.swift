import CurlHTTP
import Foundation
import ModelClient

/// The scripted OpenAI-compatible server (Tests/Fixtures/model_server.py) and what it received.
public final class ScriptedModel: Sendable {
    public let process: FixtureProcess
    public let logPath: String

    /// Starts the server with `script` (entries served in order, then its rules; `strict`: HTTP 500).
    public static func start(_ script: [[String: Any]] = [], strict: Bool = false) async throws -> ScriptedModel {
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

    /// `http://127.0.0.1:<port>/v1`, what OPENAI_BASE_URL is set to.
    public var baseURL: String { process.url("/v1") }

    /// Every request received, in order: `{path, headers, body}`.
    public func requests() throws -> [[String: Any]] {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { line in
            try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
        }
    }

    /// The request bodies.
    public func bodies() throws -> [[String: Any]] { try requests().map { $0["body"] as! [String: Any] } }

    /// The tool messages the model received in request `index`.
    public func toolMessages(inRequest index: Int) throws -> [[String: Any]] {
        let messages = try bodies()[index]["messages"] as! [[String: Any]]
        return messages.filter { $0["role"] as? String == "tool" }
    }

    /// Stops the server without blocking the caller's thread (see `FixtureProcess.stopInBackground`).
    public func stop() { process.stopInBackground() }
}

/// A tool call entry for a model script.
public func scriptedCall(_ id: String, _ name: String, _ arguments: String) -> [String: Any] {
    ["id": id, "name": name, "arguments": arguments]
}

extension ScriptedModel {
    public func config(stream: Bool = true, apiKey: String? = "sk-test-key") -> ModelConfig {
        ModelConfig(baseURL: baseURL, apiKey: apiKey, name: "scripted", stream: stream, timeout: .seconds(20))
    }

    /// A client that retries quickly, so rate-limit tests stay short.
    public func client(stream: Bool = true) -> OpenAIChatClient {
        OpenAIChatClient(config: config(stream: stream), retry: RetryPolicy(base: .milliseconds(50), cap: .milliseconds(200), attempts: 3))
    }
}
