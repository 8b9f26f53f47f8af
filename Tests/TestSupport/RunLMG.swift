import Foundation

/// What a finished `lmg` run printed and how it exited.
public struct CommandResult: Sendable, CustomStringConvertible {
    public let status: Int32
    public let stdout: String
    public let stderr: String

    public init(status: Int32, stdout: String, stderr: String) {
        (self.status, self.stdout, self.stderr) = (status, stdout, stderr)
    }

    public var description: String { "exit \(status)\nstdout: \(stdout)\nstderr: \(stderr)" }

    /// stderr's non-empty lines.
    public var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }
}

/// Runs the built `lmg` with `arguments`, killing it after `timeout` seconds so a hang fails the test.
public func runLMG(
    _ arguments: [String], environment: [String: String] = [:], stdin: String? = nil, timeout: TimeInterval = 60
) async throws -> CommandResult {
    try await runProcess(Repo.lmgBinary, arguments, environment: environment, stdin: stdin, timeout: timeout)
}

/// Runs any executable the same way, waiting on a thread of its own (see `offPool`).
public func runProcess(
    _ executable: String, _ arguments: [String], environment: [String: String] = [:], stdin: String? = nil,
    timeout: TimeInterval = 60
) async throws -> CommandResult {
    try await offPool {
        try runProcessBlocking(executable, arguments, environment: environment, stdin: stdin, timeout: timeout)
    }
}

/// Runs an executable, blocking the calling thread until it ends or `timeout` passes.
public func runProcessBlocking(
    _ executable: String, _ arguments: [String], environment: [String: String] = [:], stdin: String? = nil,
    timeout: TimeInterval = 60
) throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env["NO_COLOR"] = "1"
    env["XDG_STATE_HOME"] = NSTemporaryDirectory() + "lmg-test-state"
    for (key, value) in environment { env[key] = value }
    process.environment = env
    let dir = NSTemporaryDirectory() + "lmg-run-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    FileManager.default.createFile(atPath: dir + "/out", contents: nil)
    FileManager.default.createFile(atPath: dir + "/err", contents: nil)
    process.standardOutput = FileHandle(forWritingAtPath: dir + "/out")
    process.standardError = FileHandle(forWritingAtPath: dir + "/err")
    if let stdin {
        FileManager.default.createFile(atPath: dir + "/in", contents: Data(stdin.utf8))
        process.standardInput = FileHandle(forReadingAtPath: dir + "/in")
    } else {
        process.standardInput = FileHandle.nullDevice
    }
    try process.run()
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { usleep(10_000) }
    if process.isRunning {
        process.terminate()
        usleep(500_000)
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        throw FixtureError("\(executable) \(arguments.joined(separator: " ")) did not finish within \(timeout) s")
    }
    process.waitUntilExit()
    let out = (try? String(contentsOfFile: dir + "/out", encoding: .utf8)) ?? ""
    let err = (try? String(contentsOfFile: dir + "/err", encoding: .utf8)) ?? ""
    return CommandResult(status: process.terminationStatus, stdout: out, stderr: err)
}

/// Writes `json` to a temporary config file and returns its path.
public func writeConfig(_ json: String) throws -> String {
    let path = NSTemporaryDirectory() + "lmg-config-\(UUID().uuidString).json"
    try json.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}
