import MCP

/// One test of a template: the variables, what the exchange must show, and further user turns.
public struct PromptTestCase: Sendable {
    /// A further user message in the same conversation, with its own expectations.
    public struct Turn: Sendable {
        public var user: String
        public var expect: Expectation
    }

    public var name: String
    /// Line of the test in its file, for reports.
    public var line: Int?
    /// Over the file's `vars` and the template's defaults.
    public var vars: [String: Value]
    /// How many times to run it (with a live model); each run has its own cassette.
    public var repeatCount: Int
    /// The share of runs that must pass (1 by default: all).
    public var minPassRate: Double
    public var expect: Expectation
    public var turns: [Turn]
    /// Whether MCP tool results come from the servers or from the cassette.
    public var toolResults: ToolResults

    /// The test's name as a file name: what its cassettes are called.
    public static func fileName(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "_" })
    }

    /// `live` (the default) calls the servers; `recorded` plays back their recorded answers too,
    /// so the test runs with no server at all.
    public enum ToolResults: String, Sendable, Codable {
        case live, recorded
    }
}

/// What one turn must show. Every part is optional; a test with none passes when the turn ends
/// with an answer.
public struct Expectation: Sendable {
    public var toolCalls: ToolCallExpectation?
    /// Globs no call may match (`*__delete_*`).
    public var forbid: [String] = []
    public var answer: [AnswerCheck] = []
    /// At most this many rounds of tool calls.
    public var maxRounds: Int?
    /// The turn, model and tools together, within this many milliseconds.
    public var maxLatencyMs: Double?

    public init() {}
}

/// The tool calls a turn must make.
public struct ToolCallExpectation: Sendable {
    /// `in_order`: the calls appear in this order, others may come between; `exact`: these calls
    /// and no others, in this order; `any`: each appears, in any order.
    public enum Order: String, Sendable, CaseIterable {
        case inOrder = "in_order", exact, any
    }

    public var order: Order = .inOrder
    public var calls: [CallPattern]
}

/// One expected call: the qualified tool name (a glob) and its arguments.
public struct CallPattern: Sendable {
    /// `partial`: the arguments hold at least these members; `exact`: these and no others.
    public enum Mode: String, Sendable, CaseIterable {
        case partial, exact
    }

    public var name: String
    /// An object of values and matchers (`{$regex: …}`); nil: any arguments.
    public var args: Value?
    public var mode: Mode = .partial

    /// Shown in reports: `weather__get_forecast {"city":{"$regex":"(?i)paris"}}`.
    public var summary: String {
        guard let args else { return name }
        return "\(name) \(ValueText.compact(args))"
    }
}

/// One check of the final answer's text.
public enum AnswerCheck: Sendable {
    case contains(String)
    case icontains(String)
    case notContains(String)
    case regex(String)
    case equals(String)
    case isJSON
    case jsonSchema(Value)
    /// The value at a JSONPath (`$.forecast[0].temp`) exists, and matches `value` when given.
    case jsonPath(String, value: Value?)
    /// A rubric graded by the judge model (`judge_model`); with `threshold`, its score (0 to 1)
    /// must reach it too. Recorded in the cassette like every model answer, so replay is exact.
    case judge(rubric: String, threshold: Double?)
}
