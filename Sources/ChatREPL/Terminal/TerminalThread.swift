import Foundation

/// One thread that does every blocking terminal read, in order, off Swift's cooperative pool
/// (whose few threads must never block). The thread ends when the session lets go of it.
final class TerminalThread: Sendable {
    /// The jobs, shared with the thread; the thread holds this queue, never the `TerminalThread`,
    /// so dropping the last reference stops it.
    private let queue = JobQueue()

    init() {
        let queue = queue
        let thread = Thread {
            while let job = queue.next() { job() }
        }
        thread.name = "lmg-terminal"
        thread.start()
    }

    deinit { queue.stop() }

    /// Runs `work` on the terminal thread and returns its result.
    func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.add { continuation.resume(returning: work()) }
        }
    }
}

/// Jobs for a thread that sleeps until there are some.
///
/// `@unchecked Sendable`: `jobs` and `stopped` are read and written only with `condition`
/// locked; a condition variable (not a `Locked`) because the thread must sleep until work comes.
private final class JobQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var stopped = false

    func add(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// The next job, waiting for one; nil once stopped and drained.
    func next() -> (@Sendable () -> Void)? {
        condition.lock()
        defer { condition.unlock() }
        while jobs.isEmpty && !stopped { condition.wait() }
        return jobs.isEmpty ? nil : jobs.removeFirst()
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }
}
