import Foundation
import JSONRPC
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// MCP over a spawned process's stdin/stdout, newline-delimited.
///
/// Reads are event-driven: a dedicated thread blocks in `read(2)` and hands each line to the
/// client as it arrives (no polling). The server's stderr goes to a per-server log file, never to
/// the user's terminal; its last line is quoted when the server dies.
public final class StdioTransport: MCPTransport {
    public let server: String
    let command: String
    let arguments: [String]
    let environment: [String: String]
    let cwd: String?
    /// The per-server log receiving the child's stderr.
    public let logPath: String
    /// How long `close` waits after closing stdin, and again after SIGTERM.
    let grace: Duration

    private let state = Mutex<State>(.idle)
    /// Where this run's stderr starts in the log, so errors quote this run only.
    private let logStart = Mutex<UInt64>(0)

    private enum State {
        case idle
        case running(ChildProcess)
        case closed
    }

    public var exchangeCarriesResponse: Bool { false }

    /// The server process's pid while it runs.
    public var processID: Int32? {
        state.withLock { state in
            if case .running(let child) = state { return child.pid }
            return nil
        }
    }

    /// - Parameters:
    ///   - environment: merged over the parent's environment.
    ///   - logDirectory: where `<server>.log` receives the child's stderr.
    public init(
        server: String, command: String, arguments: [String], environment: [String: String] = [:],
        cwd: String? = nil, logDirectory: String, grace: Duration = .seconds(2)
    ) {
        self.server = server
        self.command = command
        self.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        self.environment = merged
        self.cwd = cwd
        let safeName = String(server.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
        self.logPath = logDirectory + "/" + safeName + ".log"
        self.grace = grace
        try? FileManager.default.createDirectory(atPath: logDirectory, withIntermediateDirectories: true)
    }

    public func start(_ handlers: TransportHandlers) async throws {
        guard let executable = ChildProcess.resolve(command: command, path: environment["PATH"]) else {
            let reason = command.contains("/") ? "is not an executable file" : "was not found in PATH"
            throw TransportError(.spawnFailed, server: server, "command '\(command)' \(reason)", requestWasNotSent: true)
        }
        if let cwd {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: cwd, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw TransportError(.spawnFailed, server: server, "cwd '\(cwd)' is not a directory", requestWasNotSent: true)
            }
        }
        Self.rotate(logPath)
        let offset = (try? FileManager.default.attributesOfItem(atPath: logPath)[.size] as? UInt64) ?? 0
        logStart.withLock { $0 = offset }
        let child: ChildProcess
        do {
            child = try ChildProcess(executable: executable, arguments: arguments, environment: environment, cwd: cwd, stderrPath: logPath)
        } catch let failure as ChildProcess.SpawnFailure {
            throw TransportError(.spawnFailed, server: server, failure.message, requestWasNotSent: true)
        }
        let accepted = state.withLock { state -> Bool in
            guard case .idle = state else { return false }
            state = .running(child)
            return true
        }
        guard accepted else {
            await child.terminate(grace: .milliseconds(100))
            throw TransportError(.closed, server: server, "transport was already started or closed")
        }
        let thread = Thread { [self] in self.readLoop(child: child, handlers: handlers) }
        thread.name = "lmg-stdio-\(server)"
        thread.start()
    }

    public func send(_ message: Data, expecting: JSONRPCID?) async throws {
        try sendNow(message)
    }

    /// Writes one message and its newline with a single `write(2)`, so lines never interleave.
    func sendNow(_ message: Data) throws {
        guard case .running(let child) = state.withLock({ $0 }) else {
            throw TransportError(.closed, server: server, "the server connection is closed", requestWasNotSent: true)
        }
        var line = message
        line.append(UInt8(ascii: "\n"))
        guard child.write(line) else {
            throw TransportError(.processExited(status: child.poll()), server: server, exitDescription(child), requestWasNotSent: true)
        }
    }

    public func close() async {
        let child: ChildProcess? = state.withLock { state in
            defer { state = .closed }
            if case .running(let child) = state { return child }
            return nil
        }
        await child?.terminate(grace: grace)
    }

    private func readLoop(child: ChildProcess, handlers: TransportHandlers) {
        var framer = LineFramer()
        let capacity = 64 * 1024
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 1)
        defer { buffer.deallocate() }
        var failure: TransportError?
        while true {
            let n = read(child.stdoutFD, buffer.baseAddress, capacity)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            do {
                for line in try framer.append(UnsafeRawBufferPointer(rebasing: buffer[0..<n])) {
                    handlers.onMessage(line)
                }
            } catch {
                failure = TransportError(.protocolViolation, server: server, "\(error)")
                break
            }
        }
        if let rest = framer.finish() { handlers.onMessage(rest) }
        let closedByUs = state.withLock { state in
            if case .closed = state { return true }
            return false
        }
        if closedByUs {
            handlers.onClose(nil)
            return
        }
        if failure == nil {
            // EOF without close(): the server died or closed stdout. Give it a moment to be reaped.
            let deadline = Date().addingTimeInterval(1)
            while child.poll() == nil && Date() < deadline { usleep(2_000) }
            failure = TransportError(.processExited(status: child.poll()), server: server, exitDescription(child))
        }
        handlers.onClose(failure)
    }

    /// "server process exited with status 1: <last stderr line>".
    func exitDescription(_ child: ChildProcess) -> String {
        var text = "server process \(ChildProcess.describe(status: child.poll()))"
        if child.poll() == nil { text = "server process closed its output" }
        if let line = lastLogLine() { text += ": \(line)" }
        return text
    }

    /// The last non-empty stderr line this run wrote, cut to one short line.
    func lastLogLine() -> String? {
        let offset = logStart.withLock { $0 }
        guard let handle = FileHandle(forReadingAtPath: logPath) else { return nil }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        let start = max(offset, size > 4096 ? size - 4096 : 0)
        try? handle.seek(toOffset: start)
        guard let data = try? handle.readToEnd() else { return nil }
        let line = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).last.map(String.init)
        return line.map { $0.count > 200 ? String($0.prefix(200)) + "…" : $0 }
    }

    /// Keeps logs bounded: a log over 5 MiB is moved to `.1` before a new run appends.
    static func rotate(_ path: String) {
        guard let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? UInt64, size > 5 << 20 else { return }
        try? FileManager.default.removeItem(atPath: path + ".1")
        try? FileManager.default.moveItem(atPath: path, toPath: path + ".1")
    }
}
