import CSystemShims
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs `argv` with posix_spawn and reaps it with waitpid, blocking the calling thread.
///
/// Foundation's `Process` loses the exit of a short-lived child that leaves a daemon behind
/// (`tmux new-session -d`): the test then waits forever. Here the child also starts with every
/// signal unblocked and at its default action, so a daemon it forks (the tmux server) reaps its own
/// children and dies on SIGTERM, whatever mask the test thread had.
public func spawnAndWait(_ argv: [String], environment: [String: String] = [:], timeout: TimeInterval = 10) throws -> CommandResult {
    let dir = NSTemporaryDirectory() + "lmg-spawn-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, dir + "/out", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, dir + "/err", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    // A daemon it leaves behind (the tmux server) must not hold the test process's other files open.
    _ = lmg_spawn_file_actions_addclosefrom(&actions, 3)

    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var none = sigset_t()
    sigemptyset(&none)
    var all = sigset_t()
    sigfillset(&all)
    posix_spawnattr_setsigmask(&attributes, &none)
    posix_spawnattr_setsigdefault(&attributes, &all)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

    var env = ProcessInfo.processInfo.environment
    for (key, value) in environment { env[key] = value }
    let cArgs = argv.map { strdup($0) } + [nil]
    let cEnv = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
        cArgs.forEach { free($0) }
        cEnv.forEach { free($0) }
    }
    var pid: pid_t = 0
    let status = posix_spawnp(&pid, argv[0], &actions, &attributes, cArgs, cEnv)
    guard status == 0 else { throw FixtureError("could not start \(argv[0]): \(String(cString: strerror(status)))") }

    let deadline = Date().addingTimeInterval(timeout)
    var waitStatus: Int32 = 0
    while true {
        let reaped = waitpid(pid, &waitStatus, WNOHANG)
        if reaped == pid { break }
        if reaped < 0 && errno != EINTR { throw FixtureError("waitpid failed for \(argv[0])") }
        if Date() >= deadline {
            kill(pid, SIGKILL)
            _ = waitpid(pid, &waitStatus, 0)
            throw FixtureError("\(argv.joined(separator: " ")) did not finish within \(timeout) s")
        }
        usleep(2_000)
    }
    let out = (try? String(contentsOfFile: dir + "/out", encoding: .utf8)) ?? ""
    let err = (try? String(contentsOfFile: dir + "/err", encoding: .utf8)) ?? ""
    // WIFEXITED / WEXITSTATUS are macros Swift cannot import.
    let exitCode: Int32 = (waitStatus & 0x7f) == 0 ? (waitStatus >> 8) & 0xff : 128 + (waitStatus & 0x7f)
    return CommandResult(status: exitCode, stdout: out, stderr: err)
}
