import Foundation

/// When an event loop should poll a little longer after traffic instead of sleeping at once.
///
/// On virtual machines, waking a sleeping thread costs tens of microseconds, more than a local
/// server's whole answer, so polling for a short window after a request saves that wake-up. Against
/// a slow server the window only burns a core the server may need, so the policy backs off: each
/// window that passes without an answer doubles how many waits skip polling (up to 64), and one
/// answer that comes within the window makes every wait poll again. A pure value: the loops ask it
/// and tell it what happened.
public struct BusyPoll: Sendable {
    /// How long to poll before sleeping; zero turns polling off.
    public let window: Duration
    private var skip = 0
    private var backoff = 0

    /// `LMG_SPIN_US` microseconds when set to a number (0: never poll), else `standard`.
    public init(standard: Duration) {
        let text = ProcessInfo.processInfo.environment["LMG_SPIN_US"]
        self.init(window: text.flatMap { Int($0) }.map { .microseconds(max(0, $0)) } ?? standard)
    }

    public init(window: Duration) {
        self.window = window
    }

    /// Whether this wait should start with polling.
    public mutating func shouldPoll() -> Bool {
        guard window > .zero else { return false }
        if skip > 0 {
            skip -= 1
            return false
        }
        return true
    }

    /// Something happened `waited` after the last traffic; `polled` says whether this wait polled.
    public mutating func record(waited: Duration, polled: Bool) {
        if waited <= window {
            (skip, backoff) = (0, 0)
        } else if polled {
            backoff = min(max(1, backoff * 2), 64)
            skip = backoff
        }
    }
}
