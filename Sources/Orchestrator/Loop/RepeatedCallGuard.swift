/// Notices a model stuck asking for the same tool call answer after answer.
///
/// Repeats are counted across model rounds (one round: the calls of one model answer), never
/// inside one: a model may ask for the same call several times at once ("sleep six times"),
/// and every copy runs. A call's signature is its tool and canonical arguments; its streak is
/// the number of rounds in a row, ending with this one, that asked for it (copies in one round
/// count once). A round whose call has a streak of `limit` gets every copy of that call refused
/// with an explanation; a longer streak ends the turn. Calls the model stops asking for lose
/// their streak, so a call made again after a different round starts from one.
struct RepeatedCallGuard {
    enum Verdict: Equatable {
        case run
        case refuse(times: Int)
        case stop(times: Int)
    }

    let limit: Int
    /// Streaks of the calls in the last finished round.
    private var previous: [String: Int] = [:]
    /// Streaks of the calls in the round being checked.
    private var current: [String: Int] = [:]

    init(limit: Int) { self.limit = limit }

    /// Starts checking the calls of a new model answer.
    mutating func startRound() {
        previous = current
        current = [:]
    }

    /// `signature`: the tool name and its canonical arguments. Every copy of one call in a
    /// round gets the same verdict.
    mutating func check(_ signature: String) -> Verdict {
        let times = current[signature] ?? (previous[signature] ?? 0) + 1
        current[signature] = times
        if times > limit { return .stop(times: times) }
        if times == limit { return .refuse(times: times) }
        return .run
    }
}
