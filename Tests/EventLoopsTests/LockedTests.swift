import Foundation
import Locking
import Testing

@Suite("Locked: the lock every shared state uses")
struct LockedTests {
    final class Counter: Sendable {
        let value = Locked(0)
    }

    /// Threads of their own (not tasks), so the increments really do interleave; any lost update
    /// shows in the total, and under ThreadSanitizer (scripts/sanitize.sh) an unannotated lock
    /// would be reported here.
    @Test func incrementsFromManyThreadsAreNeverLost() {
        let counter = Counter()
        let threads = 4, rounds = 20_000
        let done = DispatchGroup()
        for _ in 0..<threads {
            done.enter()
            Thread {
                for _ in 0..<rounds { counter.value.withLock { $0 += 1 } }
                done.leave()
            }.start()
        }
        done.wait()
        #expect(counter.value.withLock { $0 } == threads * rounds)
    }

    @Test func aThrowingBodyLeavesTheValueAsItWasAndUnlocks() {
        struct Refused: Error {}
        let counter = Counter()
        #expect(throws: Refused.self) {
            try counter.value.withLock { (value: inout Int) throws(Refused) in
                value += 1
                throw Refused()
            }
        }
        // The change made before the throw stays (as with Mutex), and the lock is free again.
        #expect(counter.value.withLock { $0 } == 1)
    }
}
