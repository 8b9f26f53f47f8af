import Foundation

/// Where the repository's files are, found from this source file so tests run from any directory.
public enum Repo {
    /// The package root (the folder holding Package.swift).
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `Tests/Fixtures/<name>`.
    public static func fixture(_ name: String) -> String {
        root.appendingPathComponent("Tests/Fixtures").appendingPathComponent(name).path
    }

    /// The Python that has the pinned test peers installed (`LMG_TEST_PYTHON`, else `python3`).
    public static var python: String {
        ProcessInfo.processInfo.environment["LMG_TEST_PYTHON"] ?? "python3"
    }

    /// The Python with the MCP SDK 1.x (`.venv-mcp1`, made by `scripts/setup.sh --test`).
    public static var python1: String {
        ProcessInfo.processInfo.environment["LMG_TEST_PYTHON1"] ?? root.appendingPathComponent(".venv-mcp1/bin/python").path
    }

    /// The built `lmg` binary: `LMG_BIN`, else the debug build folder next to the test bundle.
    public static var lmgBinary: String {
        ProcessInfo.processInfo.environment["LMG_BIN"] ?? built("lmg")
    }

    /// The built `lmg-bench` binary, beside `lmg`.
    public static var benchBinary: String {
        ProcessInfo.processInfo.environment["LMG_BIN"].map {
            URL(fileURLWithPath: $0).deletingLastPathComponent().appendingPathComponent("lmg-bench").path
        } ?? built("lmg-bench")
    }

    /// An executable of this package: test bundles live in .build/<triple>/debug/, executables beside them.
    static func built(_ name: String) -> String {
        let bundle = Bundle.main.bundleURL
        for dir in [bundle, bundle.deletingLastPathComponent()] {
            let candidate = dir.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return root.appendingPathComponent(".build/debug/\(name)").path
    }
}

/// Runs blocking work on a thread of its own and awaits its result.
///
/// The thread unblocks the termination signals: it inherits the mask of the pool thread that made
/// it, which blocks them, and processes spawned from it would inherit that in turn and ignore the
/// SIGTERM their `stop()` sends. SIGCHLD stays blocked: Foundation's Process learns of exits
/// through it, and would miss one delivered to this thread.
public func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            var termination = sigset_t()
            sigemptyset(&termination)
            for signal in [SIGTERM, SIGINT, SIGHUP, SIGQUIT] { sigaddset(&termination, signal) }
            pthread_sigmask(SIG_UNBLOCK, &termination, nil)
            continuation.resume(with: Result { try work() })
        }
        thread.start()
    }
}

/// Errors starting a fixture; tests fail with this text rather than hang.
public struct FixtureError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A real peer process a test talks to: started, awaited until it prints `READY <port>`, and stopped.
///
/// Every fixture prints `READY <port>` (or `READY` for stdio peers) on stdout once it listens,
/// on 127.0.0.1 and a free port the OS chose. `stop()` kills it; `deinit` does too, so a failing
/// test never leaves a server behind.
public final class FixtureProcess: @unchecked Sendable {
    public let process: Process
    /// The loopback port the fixture reported, when it listens on one.
    public private(set) var port: Int = 0
    /// Everything the fixture printed on stderr, for assertions and failure messages.
    public let stderrPath: String
    private let stdoutPipe = Pipe()

    /// Starts `executable args` and waits (at most `timeout` seconds) for its READY line.
    public init(
        _ executable: String, _ args: [String], environment: [String: String] = [:],
        timeout: TimeInterval = 90
    ) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + args
        var env = ProcessInfo.processInfo.environment
        env["PYTHONUNBUFFERED"] = "1"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        process.standardOutput = stdoutPipe
        stderrPath = NSTemporaryDirectory() + "fixture-\(UUID().uuidString).stderr"
        FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: stderrPath)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        let handle = stdoutPipe.fileHandleForReading
        var buffer = Data()
        while Date() < deadline {
            let chunk = handle.availableData
            if chunk.isEmpty {
                stop()
                throw FixtureError("fixture \(args.first ?? executable) exited before READY: \(stderrText())")
            }
            buffer.append(chunk)
            if let text = String(data: buffer, encoding: .utf8), let found = Self.readyPort(in: text) {
                port = found
                // Keep draining stdout so a chatty fixture never blocks on a full pipe.
                handle.readabilityHandler = { h in _ = h.availableData }
                return
            }
        }
        stop()
        throw FixtureError("fixture \(args.first ?? executable) did not print READY within \(timeout)s: \(stderrText())")
    }

    /// The port from a `READY <port>` line, or from `listening on http://127.0.0.1:<port>`
    /// (what `lmg mcp-server --http` prints); `0` for a bare `READY`.
    static func readyPort(in text: String) -> Int? {
        // Only complete lines: a READY line may arrive in pieces.
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            if line.hasPrefix("READY") {
                return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
            }
            if let range = line.range(of: "listening on http://127.0.0.1:") {
                let digits = line[range.upperBound...].prefix(while: \.isNumber)
                if let port = Int(digits) { return port }
            }
        }
        return nil
    }

    /// Starts a Python fixture from Tests/Fixtures.
    public static func python(_ script: String, _ args: [String] = [], environment: [String: String] = [:]) async throws -> FixtureProcess {
        try await start(Repo.python, [Repo.fixture(script)] + args, environment: environment)
    }

    /// Starts any fixture command, waiting for READY on a thread of its own: blocking reads on
    /// Swift's small cooperative pool would stall every other test running in parallel.
    public static func start(_ executable: String, _ args: [String], environment: [String: String] = [:]) async throws -> FixtureProcess {
        try await offPool { try FixtureProcess(executable, args, environment: environment) }
    }

    /// `http://127.0.0.1:<port><path>`.
    public func url(_ path: String = "") -> String { "http://127.0.0.1:\(port)\(path)" }

    /// What the fixture wrote to stderr so far.
    public func stderrText() -> String {
        (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
    }

    /// Kills the fixture and waits for it, so no process outlives the test.
    public func stop() {
        stdoutPipe.fileHandleForReading.readabilityHandler = nil
        terminateAndWait(process, grace: 3)
    }

    /// Sends SIGTERM now and waits for the exit on a thread of its own: for `defer` blocks in async
    /// tests, where a blocking wait would hold one of the cooperative pool's few threads.
    public func stopInBackground() {
        stdoutPipe.fileHandleForReading.readabilityHandler = nil
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        Thread.detachNewThread { [self] in stop() }
    }

    deinit { stop() }
}

extension FixtureProcess {
    /// The Authlib authorization server (oauth_server.py) and the SDK's protected MCP server
    /// (protected_mcp.py) pointed at it, started together; the first is stopped if the second fails.
    public static func oauthPeers(auth authArgs: [String], mcp mcpArgs: [String] = []) async throws -> (auth: FixtureProcess, mcp: FixtureProcess) {
        let auth = try await FixtureProcess.python("oauth_server.py", ["--port", "0"] + authArgs)
        do {
            let mcp = try await FixtureProcess.python("protected_mcp.py", ["--port", "0", "--auth-server", auth.url()] + mcpArgs)
            return (auth, mcp)
        } catch {
            auth.stop()
            throw error
        }
    }
}

/// SIGTERM to `process` if it runs, SIGKILL after `grace` seconds, and its exit awaited (blocking).
public func terminateAndWait(_ process: Process, grace: TimeInterval) {
    guard process.isRunning else { return }
    kill(process.processIdentifier, SIGTERM)
    let deadline = Date().addingTimeInterval(grace)
    while process.isRunning && Date() < deadline { usleep(10_000) }
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
}
