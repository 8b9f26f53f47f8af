import Foundation
import MCP
import ModelClient

/// A `judge` answer check, as pure values: the request that asks the judge model to grade an
/// answer against a rubric, and the reading of its verdict. The runner sends the request through
/// the test's cassette, so a recorded verdict replays exactly and a changed rubric, question or
/// answer is a replay miss like any other changed request.
public enum JudgeCheck {
    /// What the judge is told; part of every judge request, so changing it re-keys recordings.
    static let instructions = """
        You grade an AI assistant's answer against a rubric. Judge only what the rubric asks. \
        Reply with one JSON object and nothing else: \
        {"pass": true or false, "score": a number from 0 to 1, "reason": "one short sentence"}.
        """

    /// The grading request: deterministic (temperature 0), no tools.
    public static func request(rubric: String, question: String, answer: String) -> ChatRequest {
        let prompt = """
            Rubric: \(rubric)

            The user asked:
            \(question)

            The assistant answered:
            \(answer)
            """
        return ChatRequest(messages: [.system(instructions), .user(prompt)], temperature: 0)
    }

    /// The judge's verdict, read from its answer.
    public struct Verdict: Sendable, Equatable {
        public var pass: Bool
        public var score: Double?
        public var reason: String?
    }

    /// Reads `{"pass", "score", "reason"}` from the judge's text, also fenced or with prose around
    /// it. Without `pass`, a score of 0.5 or more passes. nil: no verdict in the text.
    public static func verdict(_ text: String) -> Verdict? {
        guard let object = jsonObject(in: text) else { return nil }
        let score = object["score"].flatMap(ValueMatcher.number)
        let pass: Bool?
        switch object["pass"] {
        case .bool(let value)?: pass = value
        case .string(let word)?: pass = ["true", "yes", "pass"].contains(word.lowercased()) ? true : ["false", "no", "fail"].contains(word.lowercased()) ? false : nil
        default: pass = score.map { $0 >= 0.5 }
        }
        guard let pass else { return nil }
        var reason: String?
        if case .string(let text)? = object["reason"] { reason = text }
        return Verdict(pass: pass, score: score, reason: reason)
    }

    /// The failure line for a verdict, or nil when the answer passes.
    public static func failure(rubric: String, threshold: Double?, judgeAnswer: String) -> String? {
        let rubricText = "\"\(ValueText.short(rubric))\""
        guard let verdict = verdict(judgeAnswer) else {
            return "the judge gave no verdict for \(rubricText) (it should answer {\"pass\", \"score\", \"reason\"}): \"\(ValueText.short(judgeAnswer))\""
        }
        let because = verdict.reason.map { ": \(ValueText.short($0))" } ?? ""
        if !verdict.pass { return "the judge failed the answer on \(rubricText)\(because)" }
        guard let threshold else { return nil }
        guard let score = verdict.score else { return "the judge gave no score for \(rubricText), and the check's threshold is \(threshold)" }
        return score + 1e-9 >= threshold ? nil : "the judge scored \(score) on \(rubricText), below the threshold \(threshold)\(because)"
    }

    /// The first JSON object in `text`: the whole text, a fenced block, or from the first `{` to the last `}`.
    static func jsonObject(in text: String) -> [String: Value]? {
        if case .object(let object)? = AnswerChecker.json(text) { return object }
        guard let open = text.firstIndex(of: "{"), let close = text.lastIndex(of: "}"), open < close else { return nil }
        if case .object(let object)? = ValueText.parse(String(text[open...close])) { return object }
        return nil
    }
}
