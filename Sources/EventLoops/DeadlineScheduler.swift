import Foundation

/// One timer thread with a min-heap for every request's deadline: a sleeping Task per request cost
/// more than a whole round trip to a fast stdio server.
///
/// Cancelled deadlines are dropped lazily (when they reach the top, or when they outnumber the live
/// ones), so cancelling is a dictionary removal under a lock.
///
/// `@unchecked Sendable`: every mutable field is read and written only with `condition` locked
/// (an `NSCondition`, because the timer thread must sleep until a deadline and be woken early).
package final class DeadlineScheduler: @unchecked Sendable {
    package static let shared = DeadlineScheduler()

    /// Identifies one scheduled action, to cancel it.
    package struct Token: Sendable, Hashable {
        fileprivate let raw: UInt64
    }

    private struct Entry {
        let deadline: ContinuousClock.Instant
        let raw: UInt64
    }

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var heap: [Entry] = []
    private var actions: [UInt64: @Sendable () -> Void] = [:]
    private var nextRaw: UInt64 = 0
    private var threadStarted = false

    /// Runs `action` on the timer thread once `delay` has passed, unless cancelled first.
    package func schedule(after delay: Duration, _ action: @escaping @Sendable () -> Void) -> Token {
        let deadline = ContinuousClock.now.advanced(by: delay)
        condition.lock()
        defer { condition.unlock() }
        nextRaw &+= 1
        let raw = nextRaw
        actions[raw] = action
        push(Entry(deadline: deadline, raw: raw))
        if !threadStarted {
            threadStarted = true
            let thread = Thread { [self] in run() }
            thread.name = "lmg-deadlines"
            thread.start()
        } else if heap.first?.raw == raw {
            condition.signal()  // the timer thread sleeps until a later deadline
        }
        return Token(raw: raw)
    }

    /// Forgets a scheduled action; harmless when it already ran.
    package func cancel(_ token: Token) {
        condition.lock()
        actions.removeValue(forKey: token.raw)
        if heap.count > 64 && heap.count > 4 * actions.count {
            heap = heap.filter { actions[$0.raw] != nil }
            heapify()
        }
        condition.unlock()
    }

    private func run() {
        condition.lock()
        while true {
            guard let top = heap.first else {
                condition.wait()
                continue
            }
            if actions[top.raw] == nil {
                popMin()
                continue
            }
            let now = ContinuousClock.now
            if top.deadline <= now {
                popMin()
                let action = actions.removeValue(forKey: top.raw)
                condition.unlock()
                action?()
                condition.lock()
                continue
            }
            let (seconds, attoseconds) = (top.deadline - now).components
            _ = condition.wait(until: Date(timeIntervalSinceNow: Double(seconds) + Double(attoseconds) * 1e-18))
        }
    }

    // MARK: min-heap by deadline

    private func push(_ entry: Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].deadline < heap[parent].deadline else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private func popMin() {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap[0] = last
        siftDown(0)
    }

    private func heapify() {
        for index in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(index) }
    }

    private func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count && heap[left].deadline < heap[smallest].deadline { smallest = left }
            if right < heap.count && heap[right].deadline < heap[smallest].deadline { smallest = right }
            guard smallest != parent else { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
