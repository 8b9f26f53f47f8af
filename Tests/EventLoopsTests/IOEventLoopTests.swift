import Foundation
import Locking
import Testing
@testable import EventLoops

#if canImport(Glibc)
import Glibc
#endif

@Suite("I/O event loop")
struct IOEventLoopTests {
    // MARK: The loop

    @Test func tasksThatPreferTheLoopRunOnItsThread() async {
        let loop = IOEventLoop.shared
        let onLoop = await Task(executorPreference: loop) { loop.inLoop }.value
        #expect(onLoop)
        #expect(!loop.inLoop)
        // Many tasks at once all run, in spite of the loop sleeping between them.
        let total = await withTaskGroup(of: Int.self) { group in
            for index in 0..<200 { group.addTask(executorPreference: loop) { loop.inLoop ? index : -1 } }
            return await group.reduce(0, +)
        }
        #expect(total == (0..<200).reduce(0, +))
    }

    @Test func watchesDescriptorsUntilUnwatched() async throws {
        let loop = IOEventLoop.shared
        var fds: [Int32] = [-1, -1]
        #expect(pipe(&fds) == 0)
        let (readEnd, writeEnd) = (fds[0], fds[1])
        defer { close(readEnd); close(writeEnd) }
        let seen = Locked<[UInt8]>([])
        let (events, continuation) = AsyncStream.makeStream(of: Int.self)
        loop.watch(readEnd, for: .readable) { _, scratch in
            let n = read(readEnd, scratch.baseAddress, scratch.count)
            guard n > 0 else { return }
            seen.withLock { $0 += scratch.prefix(n) }
            continuation.yield(n)
        }
        var byte: UInt8 = 7
        _ = write(writeEnd, &byte, 1)
        var iterator = events.makeAsyncIterator()
        _ = await iterator.next()
        #expect(seen.withLock { $0 } == [7])
        await loop.unwatch(readEnd)
        byte = 8
        _ = write(writeEnd, &byte, 1)
        try await Task.sleep(for: .milliseconds(50))
        #expect(seen.withLock { $0 } == [7], "a handler ran after unwatch returned")
        continuation.finish()
    }

    /// A descriptor closed while watched leaves epoll by itself; a new one that gets the same
    /// number must still be watched.
    @Test func aReusedDescriptorNumberIsWatched() async throws {
        let loop = IOEventLoop(name: "lmg-io-test")
        var first: [Int32] = [-1, -1]
        #expect(pipe(&first) == 0)
        loop.watch(first[0], for: .readable) { _, _ in }
        var second: [Int32] = [-1, -1]
        #expect(pipe(&second) == 0)
        // dup2 closes the watched pipe's read end and puts the new one on its number in one
        // step: close-then-open could lose the number to another test's descriptor meanwhile.
        #expect(dup2(second[0], first[0]) == first[0])
        close(second[0])
        close(first[1])
        let (readEnd, writeEnd) = (first[0], second[1])
        defer { close(readEnd); close(writeEnd) }
        let (events, continuation) = AsyncStream.makeStream(of: UInt8.self)
        loop.watch(readEnd, for: .readable) { _, scratch in
            if read(readEnd, scratch.baseAddress, 1) == 1 { continuation.yield(scratch[0]) }
        }
        var byte: UInt8 = 42
        _ = write(writeEnd, &byte, 1)
        let got = await withTaskGroup(of: UInt8?.self) { group in
            group.addTask { var iterator = events.makeAsyncIterator(); return await iterator.next() }
            group.addTask { try? await Task.sleep(for: .seconds(10)); return nil }
            defer { group.cancelAll() }
            return await group.next()!
        }
        #expect(got == 42)
        await loop.unwatch(readEnd)
        continuation.finish()
    }

    /// A task that yields on the loop while it waits for I/O must not keep the loop from polling.
    @Test func yieldingTasksDoNotStarveTheLoop() async throws {
        let loop = IOEventLoop(name: "lmg-io-test")
        var fds: [Int32] = [-1, -1]
        #expect(pipe(&fds) == 0)
        let (readEnd, writeEnd) = (fds[0], fds[1])
        defer { close(readEnd); close(writeEnd) }
        let arrived = Locked(false)
        loop.watch(readEnd, for: .readable) { _, scratch in
            if read(readEnd, scratch.baseAddress, scratch.count) > 0 { arrived.withLock { $0 = true } }
        }
        // Bounded by time, not by a count of yields: under a loaded machine the writer below can
        // wake later than millions of yields take.
        let waiter = Task(executorPreference: loop) { () -> Bool in
            let deadline = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < deadline {
                if arrived.withLock({ $0 }) { return true }
                await Task.yield()
            }
            return false
        }
        try await Task.sleep(for: .milliseconds(50))
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
        #expect(await waiter.value, "the loop never polled while a task kept yielding")
        await loop.unwatch(readEnd)
    }
}
