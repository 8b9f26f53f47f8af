import ModelClient
/// Notices a model stuck calling the same tool with the same arguments.
///
/// Calls are compared in the order the model makes them, across rounds. The `limit`-th identical
/// call in a row is refused with an explanation; one more ends the turn.
struct RepeatedCallGuard {
    enum Verdict: Equatable {
        case run
        case refuse(times: Int)
        case stop(times: Int)
    }

    let limit: Int
    private var last: String?
    private var count = 0

    init(limit: Int) { self.limit = limit }

    /// `signature`: the tool name and its canonical arguments.
    mutating func check(_ signature: String) -> Verdict {
        if signature == last {
            count += 1
        } else {
            last = signature
            count = 1
        }
        if count > limit { return .stop(times: count) }
        if count == limit { return .refuse(times: count) }
        return .run
    }
}
