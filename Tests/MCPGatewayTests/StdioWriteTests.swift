import Foundation
import Locking
import Testing
@testable import EventLoops
@testable import MCPGateway

#if canImport(Glibc)
import Glibc
#endif

@Suite("Stdio writes: PipeOutput and the transport on the loop")
struct StdioWriteTests {
    // MARK: PipeOutput, with a scripted write(2)

    /// A write(2) stand-in: takes up to `budget` bytes per call, then fails with `errno`.
    final class FakePipe {
        var received: [UInt8] = []
        var budget: Int
        var failWith: Int32 = EAGAIN

        init(budget: Int) {
            self.budget = budget
        }

        func write(_ bytes: UnsafeRawBufferPointer) -> Int {
            guard budget > 0 else {
                errno = failWith
                return -1
            }
            let n = min(budget, bytes.count)
            received.append(contentsOf: bytes.prefix(n))
            budget -= n
            return n
        }
    }

    @Test func writesWholeLinesWhenThePipeTakesThem() {
        var output = PipeOutput()
        let pipe = FakePipe(budget: 1000)
        #expect(output.send(UnsafeRawBufferPointer(Data("abc".utf8).withUnsafeBytes { $0 }), write: pipe.write) == .done)
        let message = Data(#"{"id":1}"#.utf8)
        #expect(message.withUnsafeBytes { output.send($0, write: pipe.write) } == .done)
        #expect(String(decoding: pipe.received, as: UTF8.self).hasSuffix("{\"id\":1}\n"))
        #expect(output.pending.isEmpty)
    }

    @Test func queuesWhatAFullPipeCannotTakeAndKeepsOrder() {
        var output = PipeOutput()
        let pipe = FakePipe(budget: 4)
        let first = Data("first-message".utf8), second = Data("second".utf8)
        #expect(first.withUnsafeBytes { output.send($0, write: pipe.write) } == .waitForWritable)
        // A later message goes behind the queued rest, never into the pipe ahead of it.
        pipe.budget = 100
        #expect(second.withUnsafeBytes { output.send($0, write: pipe.write) } == .waitForWritable)
        #expect(pipe.received == Array("firs".utf8))
        pipe.budget = 5
        #expect(output.flush(write: pipe.write) == false)
        pipe.budget = 100
        #expect(output.flush(write: pipe.write) == true)
        #expect(String(decoding: pipe.received, as: UTF8.self) == "first-message\nsecond\n")
    }

    @Test func aClosedPipeFailsTheMessageAndEverythingAfter() {
        var output = PipeOutput()
        let pipe = FakePipe(budget: 0)
        pipe.failWith = EPIPE
        #expect(Data("x".utf8).withUnsafeBytes { output.send($0, write: pipe.write) } == .failed)
        pipe.budget = 100
        #expect(Data("y".utf8).withUnsafeBytes { output.send($0, write: pipe.write) } == .failed)
        #expect(pipe.received.isEmpty)
    }

    @Test func aPipeThatBreaksWhileQueuedStopsTheFlush() {
        var output = PipeOutput()
        let pipe = FakePipe(budget: 2)
        #expect(Data("hello".utf8).withUnsafeBytes { output.send($0, write: pipe.write) } == .waitForWritable)
        pipe.failWith = EPIPE
        #expect(output.flush(write: pipe.write) == true)
        #expect(output.broken && output.pending.isEmpty)
    }

    // MARK: Stdio transport on the loop

    /// After traffic the loop polls for a short while; a quiet server must let it sleep.
    @Test func anIdleLoopSleeps() async throws {
        let loop = IOEventLoop(name: "lmg-io-test")
        let logs = FileManager.default.temporaryDirectory.appendingPathComponent("lmg-loop-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: logs) }
        let echo = StdioTransport(server: "echo", command: "cat", arguments: [], logDirectory: logs, loop: loop)
        let lines = AsyncStream.makeStream(of: String.self)
        try await echo.start(TransportHandlers(
            onMessage: { lines.continuation.yield(String(decoding: $0, as: UTF8.self)) }, onClose: { _ in }))
        try await echo.send(Data("one".utf8), expecting: nil)
        var iterator = lines.stream.makeAsyncIterator()
        #expect(await iterator.next() == "one")
        try await Task.sleep(for: .milliseconds(100))
        let before = try #require(loop.threadCPUTime)
        try await Task.sleep(for: .seconds(1))
        let used = try #require(loop.threadCPUTime) - before
        #expect(used < .milliseconds(200), "the loop used \(used) of CPU in 1 s with nothing to do")
        await echo.close()
    }


    /// A server that does not read its input for a while must not block the caller, nor the loop
    /// that serves every other server; what it could not take yet arrives whole and in order.
    @Test func aServerThatStopsReadingBlocksNobody() async throws {
        let logs = FileManager.default.temporaryDirectory.appendingPathComponent("lmg-loop-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: logs) }
        // It announces when it starts reading, then reports what it got: every byte, in order.
        let script = "import sys,time; time.sleep(1.5); print('reading', flush=True); "
            + "a=sys.stdin.buffer.readline(); b=sys.stdin.buffer.readline(); "
            + "print(len(a) + len(b), a.strip(b'a') == b'\\n', b == b'z\\n', flush=True)"
        let slow = StdioTransport(server: "slow", command: "python3", arguments: ["-c", script], logDirectory: logs)
        let echo = StdioTransport(server: "echo", command: "cat", arguments: [], logDirectory: logs)
        let slowLines = AsyncStream.makeStream(of: String.self)
        let echoLines = AsyncStream.makeStream(of: String.self)
        let slowStartedReading = Locked(false)
        try await slow.start(TransportHandlers(
            onMessage: {
                slowStartedReading.withLock { $0 = true }
                slowLines.continuation.yield(String(decoding: $0, as: UTF8.self))
            }, onClose: { _ in }))
        try await echo.start(TransportHandlers(
            onMessage: { echoLines.continuation.yield(String(decoding: $0, as: UTF8.self)) }, onClose: { _ in }))

        // 4 MiB is far more than a pipe holds; send must return while the server sleeps.
        let big = Data(repeating: UInt8(ascii: "a"), count: 4 << 20)
        try await slow.send(big, expecting: nil)
        // A blocking write would return only once the server read it all, after its 'reading' line.
        #expect(!slowStartedReading.withLock { $0 }, "send waited for the sleeping server to read")
        try await slow.send(Data("z".utf8), expecting: nil)
        // The other server still answers at once: the loop is not stuck on the full pipe.
        try await echo.send(Data("ping".utf8), expecting: nil)
        var echoed = echoLines.stream.makeAsyncIterator()
        #expect(await echoed.next() == "ping")

        var answer = slowLines.stream.makeAsyncIterator()
        #expect(await answer.next() == "reading")
        #expect(await answer.next() == "\(big.count + 3) True True")
        await slow.close()
        await echo.close()
    }
}
