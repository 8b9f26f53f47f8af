import Orchestrator

/// Checks one turn against its ``Expectation``: the calls, the answer, the rounds and time.
enum ExpectationCheck {
    static func failures(_ expect: Expectation, _ turn: TurnRecord, stopReason: StopReason) -> [String] {
        var failures: [String] = []
        if stopReason != .answered {
            failures.append("the turn ended without an answer (\(stopReason.rawValue)): \"\(ValueText.short(turn.answer))\"")
        }
        failures += ToolCallMatcher.failures(expect.toolCalls, forbid: expect.forbid, actual: turn.toolCalls)
        failures += AnswerChecker.failures(expect.answer, answer: turn.answer)
        if let maxRounds = expect.maxRounds, turn.rounds > maxRounds {
            failures.append("\(turn.rounds) rounds of tool calls, more than maxRounds \(maxRounds)")
        }
        if let maxLatency = expect.maxLatencyMs, turn.latencyMs > maxLatency {
            failures.append("took \(Int(turn.latencyMs)) ms, more than maxLatencyMs \(Int(maxLatency))")
        }
        return failures
    }
}
