import ModelClient

/// What one test did over all its runs, and whether it passed.
public struct PromptTestResult: Sendable, Encodable {
    public enum Status: String, Sendable, Encodable {
        /// Enough runs passed (`minPassRate`).
        case passed
        /// An expectation was not met, or a request had no recording.
        case failed
        /// The test could not run: the model unreachable while recording, a tool server missing.
        case error
    }

    public var file: String
    /// The test file's name without `.tests.yaml`: with the test's, what `--filter` matches (`calculator/product`).
    public var group: String
    public var prompt: String
    public var test: String
    public var line: Int?
    public var status: Status
    public var runs: [RunResult]
    public var minPassRate: Double
    /// Total, over the runs.
    public var durationMs: Double

    public var passRate: Double { runs.isEmpty ? 0 : Double(runs.filter(\.passed).count) / Double(runs.count) }

    enum CodingKeys: String, CodingKey {
        case file, group, prompt, test, line, status, runs, passRate = "pass_rate", minPassRate = "min_pass_rate", durationMs = "duration_ms"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(file, forKey: .file)
        try container.encode(group, forKey: .group)
        try container.encode(prompt, forKey: .prompt)
        try container.encode(test, forKey: .test)
        try container.encodeIfPresent(line, forKey: .line)
        try container.encode(status, forKey: .status)
        try container.encode(runs, forKey: .runs)
        try container.encode(passRate, forKey: .passRate)
        try container.encode(minPassRate, forKey: .minPassRate)
        try container.encode(durationMs, forKey: .durationMs)
    }
}

/// One run (one repeat) of a test.
public struct RunResult: Sendable, Encodable {
    public var repeatIndex: Int
    /// Expectations missed, one line each (a replay miss is one too).
    public var failures: [String] = []
    /// Why the run could not finish, when it could not.
    public var error: String?
    public var turns: [TurnRecord] = []
    public var cassette: String
    /// Model answers recorded in this run, and recordings it never asked for.
    public var recorded = 0
    public var unplayed = 0
    /// The template's warnings for this test's variables (an unknown variable, one left empty).
    public var warnings: [String] = []
    public var durationMs: Double = 0

    public var passed: Bool { failures.isEmpty && error == nil }

    enum CodingKeys: String, CodingKey {
        case repeatIndex = "repeat", failures, error, turns, cassette, recorded, unplayed, warnings, durationMs = "duration_ms"
    }
}

/// What one turn showed: the tool calls, the answer, the rounds and tokens.
public struct TurnRecord: Sendable, Encodable {
    /// The user message of a further turn; nil for the template's own.
    public var user: String?
    public var answer: String
    public var stopReason: String
    public var toolCalls: [ObservedCall]
    public var rounds: Int
    public var usage: TokenUsage
    public var latencyMs: Double

    enum CodingKeys: String, CodingKey {
        case user, answer, stopReason = "stop_reason", toolCalls = "tool_calls", rounds, usage, latencyMs = "latency_ms"
    }
}
