import Synchronization

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

    /// The process-wide window when the program set one (`overrideWindow`), else `standard`.
    public init(standard: Duration) {
        let micros = Self.override.load(ordering: .relaxed)
        self.init(window: micros >= 0 ? .microseconds(micros) : standard)
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

    /// Microseconds set by `overrideWindow`; -1 for none.
    private static let override = Atomic<Int64>(-1)

    /// Sets the window of every loop started from now on (nil: each loop's standard window).
    /// The program calls it at start-up, from its settings (`LMG_SPIN_US`), before any request
    /// starts a loop: the engine itself reads no environment.
    public static func overrideWindow(_ window: Duration?) {
        let micros = window.map { max(0, $0.components.seconds * 1_000_000 + $0.components.attoseconds / 1_000_000_000_000) }
        override.store(micros ?? -1, ordering: .relaxed)
    }
}
