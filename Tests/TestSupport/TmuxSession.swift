import Foundation

/// A program running in a real pseudo-terminal (a tmux pane on a tmux server of its own), driven
/// by keystrokes and read back from the screen.
public final class TmuxSession: @unchecked Sendable {
    public let socket: String
    private var stopped = false

    /// Starts `command` (argv) with `environment` in a `width`×`height` pane.
    public static func start(
        _ command: [String], environment: [String: String] = [:], width: Int = 120, height: Int = 50
    ) async throws -> TmuxSession {
        let session = TmuxSession(socket: "lmg-test-\(UUID().uuidString.prefix(8))")
        let env = environment.map { "\($0.key)=\(Self.quote($0.value))" }.joined(separator: " ")
        // The pane keeps the program's last screen after it exits, for the assertions.
        let line = "env \(env) \(command.map(Self.quote).joined(separator: " ")); echo \"[exited $?]\"; sleep 600"
        _ = try await session.tmux(["new-session", "-d", "-x", "\(width)", "-y", "\(height)", line])
        return session
    }

    private init(socket: String) { self.socket = socket }

    /// Types `text` literally.
    public func type(_ text: String) async throws {
        _ = try await tmux(["send-keys", "-t", "0", "-l", text])
    }

    /// Sends named keys (`Enter`, `Tab`, `C-c`, `C-d`).
    public func press(_ keys: String...) async throws {
        _ = try await tmux(["send-keys", "-t", "0"] + keys)
    }

    /// Types `text` and presses Enter.
    public func enter(_ text: String) async throws {
        try await type(text)
        try await press("Enter")
    }

    /// The screen and scrollback, trailing blank lines dropped.
    public func screen() async throws -> String {
        let result = try await tmux(["capture-pane", "-p", "-J", "-S", "-500", "-t", "0"])
        return result.stdout.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
    }

    /// The screen with its styles as escape sequences (`capture-pane -e`), lines not joined.
    public func styledScreen() async throws -> String {
        try await tmux(["capture-pane", "-p", "-e", "-S", "-500", "-t", "0"]).stdout
    }

    /// Runs a tmux command on this session's server (`set -g set-clipboard on`, `show-buffer`).
    @discardableResult
    public func command(_ arguments: String...) async throws -> String {
        try await tmux(arguments).stdout
    }

    /// Waits until the screen satisfies `condition` (checked every 50 ms); throws with the screen after `timeout`.
    @discardableResult
    public func waitFor(
        _ what: String, timeout: Duration = .seconds(15), _ condition: (String) -> Bool
    ) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        var last = ""
        while ContinuousClock.now < deadline {
            last = try await screen()
            if condition(last) { return last }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw FixtureError("timed out waiting for \(what); the screen:\n\(last)")
    }

    /// Waits until `text` appears `count` times on the screen.
    @discardableResult
    public func waitFor(_ text: String, count: Int = 1, timeout: Duration = .seconds(15)) async throws -> String {
        try await waitFor("'\(text)' ×\(count)", timeout: timeout) { $0.components(separatedBy: text).count - 1 >= count }
    }

    /// Kills the tmux server and everything in it.
    public func stop() {
        guard !stopped else { return }
        stopped = true
        _ = try? spawnAndWait(["tmux", "-L", socket, "kill-server"])
    }

    deinit { stop() }

    private func tmux(_ arguments: [String]) async throws -> CommandResult {
        // -f /dev/null: the user's ~/.tmux.conf must not change what the tests see.
        let argv = ["tmux", "-L", socket, "-f", "/dev/null"] + arguments
        let result = try await offPool { try spawnAndWait(argv) }
        guard result.status == 0 else { throw FixtureError("tmux \(arguments.first ?? "") failed: \(result.stderr)") }
        return result
    }

    static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
