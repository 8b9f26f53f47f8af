import CSystemShims
import Foundation
import Locking

#if canImport(Glibc)
import Glibc
#endif

/// One thread that waits on every stdio server's pipes with `epoll` and also runs Swift tasks.
///
/// Two reasons for one loop instead of a reader thread per server. Threads: seven servers cost one
/// thread, not seven. Latency: the loop is a `TaskExecutor`, so a caller that runs on it
/// (`withTaskExecutorPreference(IOEventLoop.shared)`, or `MCPClient.preferredExecutor`) is resumed
/// by the very thread that read the response, with no wake-up of a pool thread in between. That
/// hand-off cost more than the rest of a round trip to a fast server.
///
/// Handlers and jobs run on the loop thread and must not block; `StdioTransport` queues writes
/// the pipe cannot take yet instead of waiting for them.
public final class IOEventLoop: TaskExecutor, Sendable {
    /// The process-wide loop every stdio transport uses; started on first use, never stopped.
    public static let shared = IOEventLoop(name: "lmg-io")

    /// What a watched descriptor is ready for.
    package struct Readiness: OptionSet, Sendable {
        package let rawValue: UInt32
        package init(rawValue: UInt32) { self.rawValue = rawValue }
        package static let readable = Readiness(rawValue: UInt32(LMG_EPOLL_IN))
        package static let writable = Readiness(rawValue: UInt32(LMG_EPOLL_OUT))
    }

    /// Called on the loop thread with the readiness and a scratch buffer valid for the call.
    package typealias Handler = @Sendable (Readiness, UnsafeMutableRawBufferPointer) -> Void

    private struct State {
        var jobs: [UnownedJob] = []
        /// True while the loop is (about to be) blocked in `epoll_wait`: enqueuers must wake it.
        var sleeping = false
        var handlers: [Int32: Handler] = [:]
    }

    private let epollFD: Int32
    private let wakeFD: Int32
    private let state = Locked(State())
    private let loopThread = LoopThread()

    /// When the loop keeps polling after its last event before it sleeps.
    private let busyPoll: BusyPoll

    package init(name: String, busyPoll: BusyPoll = BusyPoll(standard: .microseconds(100))) {
        self.busyPoll = busyPoll
        epollFD = lmg_epoll_create()
        wakeFD = lmg_eventfd()
        precondition(epollFD >= 0 && wakeFD >= 0, "epoll_create1 or eventfd failed: \(String(cString: strerror(errno)))")
        lmg_epoll_ctl(epollFD, Int32(LMG_EPOLL_ADD), wakeFD, UInt32(LMG_EPOLL_IN))
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.start()
    }

    /// CPU time the loop thread has used (nil before it runs): idle, it must not grow.
    package var threadCPUTime: Duration? { loopThread.cpuTime }

    /// Whether the caller is running on the loop thread.
    public var inLoop: Bool { loopThread.isCurrent }

    // MARK: TaskExecutor

    /// Runs `job` on the loop thread; wakes the loop only when it sleeps.
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let wake = state.withLock { state in
            state.jobs.append(job)
            defer { state.sleeping = false }
            return state.sleeping
        }
        if wake { signal() }
    }

    // MARK: Descriptors

    /// Starts calling `handler` whenever `fd` is ready for `interest` (level-triggered).
    /// Hang-ups and errors are always reported, as readiness: the handler's read or write then
    /// fails. One handler per descriptor; watching again replaces it.
    ///
    /// The table and epoll change under one lock, so a concurrent `unwatchNow` cannot leave either
    /// without the other. It asks epoll to ADD and falls back to MOD when epoll already has the
    /// descriptor: the table cannot tell, since a closed descriptor leaves epoll by itself.
    package func watch(_ fd: Int32, for interest: Readiness, _ handler: @escaping Handler) {
        state.withLock { state in
            state.handlers[fd] = handler
            if lmg_epoll_ctl(epollFD, Int32(LMG_EPOLL_ADD), fd, interest.rawValue) != 0 && errno == EEXIST {
                lmg_epoll_ctl(epollFD, Int32(LMG_EPOLL_MOD), fd, interest.rawValue)
            }
        }
    }

    /// Stops watching `fd`. On the loop thread this is immediate. From elsewhere it returns once
    /// the loop has dropped the handler, so the caller may close `fd` right after without a
    /// handler still running on a descriptor number that could be reused.
    package func unwatch(_ fd: Int32) async {
        if inLoop { return unwatchNow(fd) }
        await withTaskExecutorPreference(self) { self.unwatchNow(fd) }
    }

    /// `unwatch` for the loop thread.
    package func unwatchNow(_ fd: Int32) {
        state.withLock { state in
            if state.handlers.removeValue(forKey: fd) != nil { lmg_epoll_ctl(epollFD, Int32(LMG_EPOLL_DEL), fd, 0) }
        }
    }

    // MARK: The loop

    private func signal() {
        var one: UInt64 = 1
        _ = write(wakeFD, &one, 8)
    }

    private func run() {
        loopThread.enter()
        let executor = asUnownedTaskExecutor()
        let clock = ContinuousClock()
        var lastActivity = clock.now
        var busyPoll = self.busyPoll
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 16)
        let capacity = 64
        let fds = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
        let events = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity)
        while true {
            // One batch per pass: jobs that keep queueing more (a task yielding while it waits for
            // I/O) must not keep the loop from polling.
            let jobs = state.withLock { state in
                var taken: [UnownedJob] = []
                swap(&taken, &state.jobs)
                return taken
            }
            if !jobs.isEmpty {
                for job in jobs { job.runSynchronously(on: executor) }
                lastActivity = clock.now
            }
            var count = lmg_epoll_wait(epollFD, fds, events, Int32(capacity), 0)
            // Right after work, an answer is usually microseconds away: look again for a short
            // while instead of sleeping, because being woken costs more (see `BusyPoll`).
            let pollUntil = lastActivity.advanced(by: busyPoll.window)
            var polled = false
            if count == 0 && clock.now < pollUntil && busyPoll.shouldPoll() {
                polled = true
                while count == 0 && state.withLock({ $0.jobs.isEmpty }) && clock.now < pollUntil {
                    count = lmg_epoll_wait(epollFD, fds, events, Int32(capacity), 0)
                }
            }
            if count == 0 {
                let idle = state.withLock { state in
                    state.sleeping = state.jobs.isEmpty
                    return state.sleeping
                }
                count = lmg_epoll_wait(epollFD, fds, events, Int32(capacity), idle ? -1 : 0)
                state.withLock { $0.sleeping = false }
            }
            guard count > 0 else { continue }
            busyPoll.record(waited: clock.now - lastActivity, polled: polled)
            lastActivity = clock.now
            for index in 0..<Int(count) {
                let fd = fds[index]
                if fd == wakeFD {
                    var value: UInt64 = 0
                    _ = read(wakeFD, &value, 8)
                    continue
                }
                guard let handler = state.withLock({ $0.handlers[fd] }) else { continue }
                handler(Readiness(rawValue: events[index]), scratch)
            }
        }
    }
}
