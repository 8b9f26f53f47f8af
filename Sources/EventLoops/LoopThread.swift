import CSystemShims
import Foundation
import Synchronization

/// Which thread an event loop runs on: recorded once by the loop, asked by everyone else.
/// Shared by the libcurl loop and the stdio `IOEventLoop`.
public final class LoopThread: Sendable {
    /// `pthread_t` is an integer on Linux; 0 until the loop runs.
    private let id = Atomic<UInt>(0)

    public init() {}

    /// Called first thing on the loop's own thread.
    public func enter() {
        id.store(UInt(pthread_self()), ordering: .relaxed)
    }

    /// Whether the caller runs on the loop's thread (then nothing needs waking).
    public var isCurrent: Bool { id.load(ordering: .relaxed) == UInt(pthread_self()) }

    /// CPU time the loop's thread has used (nil before it runs): idle, it must not grow.
    public var cpuTime: Duration? {
        let thread = id.load(ordering: .relaxed)
        let nanoseconds = thread == 0 ? -1 : lmg_thread_cpu_nanoseconds(thread)
        return nanoseconds < 0 ? nil : .nanoseconds(nanoseconds)
    }
}
