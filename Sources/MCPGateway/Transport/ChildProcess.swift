import CSystemShims
import Foundation
import Locking

#if canImport(Glibc)
import Glibc
#endif

/// A spawned server process: its pipes, its pid, and its exit status once reaped.
///
/// The child runs in its own process group, so a Ctrl-C meant for `lmg` (which may only cancel a
/// turn) never reaches it; `ChildProcessRegistry` terminates every live child when `lmg` exits.
final class ChildProcess: Sendable {
    let pid: pid_t
    /// Our end of the child's stdin.
    let stdinFD: Int32
    /// Our end of the child's stdout.
    let stdoutFD: Int32
    private let status = Locked<Int32?>(nil)
    private let stdinOpen = Locked(true)

    /// Why a spawn failed, in words for the user.
    struct SpawnFailure: Error {
        let message: String
    }

    /// Starts `executable` (already resolved to a path) with the given arguments and environment.
    /// The child's stderr is appended to `stderrPath` (created 0600).
    init(executable: String, arguments: [String], environment: [String: String], cwd: String?, stderrPath: String) throws {
        var inPipe: [Int32] = [-1, -1]
        var outPipe: [Int32] = [-1, -1]
        guard lmg_pipe_cloexec(&inPipe) == 0 else { throw SpawnFailure(message: "pipe: \(String(cString: strerror(errno)))") }
        guard lmg_pipe_cloexec(&outPipe) == 0 else {
            close(inPipe[0]); close(inPipe[1])
            throw SpawnFailure(message: "pipe: \(String(cString: strerror(errno)))")
        }
        let logFD = lmg_open_append(stderrPath)
        let errFD = logFD >= 0 ? logFD : open("/dev/null", O_WRONLY | O_CLOEXEC)
        defer { close(errFD) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errFD, 2)
        // Only stdin, stdout and stderr: a server must not hold lmg's other files open.
        _ = lmg_spawn_file_actions_addclosefrom(&actions, 3)
        if let cwd {
            let rc = lmg_spawn_file_actions_addchdir(&actions, cwd)
            guard rc == 0 else { throw SpawnFailure(message: "cannot use cwd \(cwd): \(String(cString: strerror(rc)))") }
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Own process group; default handlers and an empty mask, whatever `lmg` ignores or blocks.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        close(inPipe[0])
        close(outPipe[1])
        guard rc == 0 else {
            close(inPipe[1]); close(outPipe[0])
            let reason = rc == ENOENT && cwd != nil ? "cannot use cwd \(cwd!) or run \(executable)" : String(cString: strerror(rc))
            throw SpawnFailure(message: "cannot start \(executable): \(reason)")
        }
        self.pid = pid
        self.stdinFD = inPipe[1]
        self.stdoutFD = outPipe[0]
        ChildProcessRegistry.shared.add(pid)
    }

    /// Closes stdin: a well-behaved MCP server exits on EOF.
    func closeStdin() {
        let wasOpen = stdinOpen.withLock { open in
            defer { open = false }
            return open
        }
        if wasOpen { close(stdinFD) }
    }

    /// The exit status if the child has exited (reaping it), else nil.
    func poll() -> Int32? {
        status.withLock { status in
            if let status { return status }
            var raw: Int32 = 0
            let rc = waitpid(pid, &raw, WNOHANG)
            if rc == pid {
                status = raw
                ChildProcessRegistry.shared.remove(pid)
            } else if rc < 0 && errno == ECHILD {
                status = -1
                ChildProcessRegistry.shared.remove(pid)
            }
            return status
        }
    }

    /// Waits up to `timeout` for the child to exit; returns its status or nil.
    func waitForExit(timeout: Duration) async -> Int32? {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var interval = Duration.milliseconds(1)
        while clock.now < deadline {
            if let status = poll() { return status }
            try? await Task.sleep(for: interval)
            interval = min(interval * 2, .milliseconds(50))
        }
        return poll()
    }

    /// Closes stdin, then SIGTERM after `grace`, then SIGKILL: the order the MCP spec asks for.
    func terminate(grace: Duration = .seconds(2)) async {
        closeStdin()
        if await waitForExit(timeout: grace) == nil {
            kill(pid, SIGTERM)
            if await waitForExit(timeout: grace) == nil {
                kill(pid, SIGKILL)
                _ = await waitForExit(timeout: .seconds(5))
            }
        }
        close(stdoutFD)
    }

    /// A human reading of a wait status: "exited with status 1", "was killed by signal 9".
    static func describe(status: Int32?) -> String {
        guard let status, status >= 0 else { return "exited" }
        let signal = status & 0x7f
        if signal == 0 { return "exited with status \((status >> 8) & 0xff)" }
        return "was killed by signal \(signal)"
    }

    /// Resolves `command` like a shell: paths as is, bare names through PATH.
    static func resolve(command: String, path: String?) -> String? {
        if command.contains("/") {
            return access(command, X_OK) == 0 ? command : nil
        }
        for dir in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(dir)/\(command)"
            var info = stat()
            if stat(candidate, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, access(candidate, X_OK) == 0 {
                return candidate
            }
        }
        return nil
    }

}

/// Every live child, so `lmg` can end them all when it is told to exit.
public final class ChildProcessRegistry: Sendable {
    /// The process-wide registry.
    public static let shared = ChildProcessRegistry()
    private let pids = Locked<Set<pid_t>>([])

    func add(_ pid: pid_t) { _ = pids.withLock { $0.insert(pid) } }
    func remove(_ pid: pid_t) { _ = pids.withLock { $0.remove(pid) } }

    /// How many children are alive (for tests and status).
    public var count: Int { pids.withLock { $0.count } }

    /// SIGTERM to every child, up to `grace` for them to exit, then SIGKILL; reaps them all.
    /// Safe to call from a signal source handler (not from a raw signal handler).
    public func terminateAll(grace: TimeInterval = 1) {
        let live = pids.withLock { $0 }
        guard !live.isEmpty else { return }
        for pid in live { kill(pid, SIGTERM) }
        let deadline = Date().addingTimeInterval(grace)
        var remaining = live
        while !remaining.isEmpty && Date() < deadline {
            for pid in remaining {
                var status: Int32 = 0
                let rc = waitpid(pid, &status, WNOHANG)
                if rc == pid || (rc < 0 && errno == ECHILD) { remaining.remove(pid) }
            }
            if !remaining.isEmpty { usleep(5_000) }
        }
        for pid in remaining {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        pids.withLock { $0.subtract(live) }
    }
}
