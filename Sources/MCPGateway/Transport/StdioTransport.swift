import EventLoops
import Foundation
import JSONRPC
import Locking

#if canImport(Glibc)
import Glibc
#endif

/// MCP over a spawned process's stdin/stdout, newline-delimited.
///
/// Reads are event-driven: the shared `IOEventLoop` waits on the pipe and hands each line to the
/// client as it arrives (no polling, no thread per server). The server's stderr goes to a
/// per-server log file, never to the user's terminal; its last line is quoted when the server dies.
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

    private let state = Locked<State>(.idle)
    /// Where inbound lines go; nil once the close was delivered, so it is delivered once.
    private let handlers = Locked<TransportHandlers?>(nil)
    /// Touched only on the loop thread; the lock is never contended.
    private let framer = Locked(LineFramer())
    private let output = Locked(PipeOutput())
    private let loop: IOEventLoop
    /// Where this run's stderr starts in the log, so errors quote this run only.
    private let logStart = Locked<UInt64>(0)

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
        cwd: String? = nil, logDirectory: String, grace: Duration = .seconds(2), loop: IOEventLoop = .shared
    ) {
        self.loop = loop
        self.server = server
        self.command = command
        self.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        self.environment = merged
        self.cwd = cwd
        self.logPath = ServerLogFile.path(directory: logDirectory, server: server)
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
        self.handlers.withLock { $0 = handlers }
        Self.setNonBlocking(child.stdoutFD)
        Self.setNonBlocking(child.stdinFD)
        // Watched before the child is published, so a `close()` that sees it also unwatches it.
        loop.watch(child.stdoutFD, for: .readable) { [self] _, scratch in readable(child, scratch) }
        let accepted = state.withLock { state -> Bool in
            guard case .idle = state else { return false }
            state = .running(child)
            return true
        }
        guard accepted else {
            await loop.unwatch(child.stdoutFD)
            await child.terminate(grace: .milliseconds(100))
            throw TransportError(.closed, server: server, "transport was already started or closed")
        }
    }

    public func send(_ message: Data, expecting: JSONRPCID?) async throws {
        try sendNow(message)
    }

    /// Writes one message and its newline, in order with every other; what the pipe cannot take
    /// now is written by the event loop later, so a server that stops reading blocks nobody.
    func sendNow(_ message: Data) throws {
        guard case .running(let child) = state.withLock({ $0 }) else { throw closedError }
        let fd = child.stdinFD
        // Watching starts and stops under the same lock as the queue changes, so a drain on
        // the loop can never stop the watch a new partial write just needed.
        let action = output.withLock { queue -> PipeOutput.Action? in
            // Checked under the lock `close()` takes first: after it, the descriptor may be closed
            // and its number reused, so nothing may be written or watched.
            guard !queue.closed else { return nil }
            let action = message.withUnsafeBytes { bytes in
                queue.send(bytes) { write(fd, $0.baseAddress, $0.count) }
            }
            if action == .waitForWritable {
                loop.watch(fd, for: .writable) { [self] _, _ in
                    output.withLock { queue in
                        if queue.flush(write: { write(fd, $0.baseAddress, $0.count) }) { loop.unwatchNow(fd) }
                    }
                }
            }
            return action
        }
        guard let action else { throw closedError }
        if action == .failed {
            throw TransportError(.processExited(status: child.poll()), server: server, exitDescription(child), requestWasNotSent: true)
        }
    }

    private var closedError: TransportError {
        TransportError(.closed, server: server, "the server connection is closed", requestWasNotSent: true)
    }

    public func close() async {
        let child: ChildProcess? = state.withLock { state in
            defer { state = .closed }
            if case .running(let child) = state { return child }
            return nil
        }
        guard let child else { return }
        // No send may queue or watch after this; then stop watching before the descriptors are
        // closed, so no handler sees a reused number.
        output.withLock { $0.close() }
        await loop.unwatch(child.stdinFD)
        await loop.unwatch(child.stdoutFD)
        deliverClose(nil)
        await child.terminate(grace: grace)
    }

    /// On the loop thread: reads what is there and hands over every complete line.
    private func readable(_ child: ChildProcess, _ scratch: UnsafeMutableRawBufferPointer) {
        let n = read(child.stdoutFD, scratch.baseAddress, scratch.count)
        if n < 0 && (errno == EAGAIN || errno == EINTR) { return }
        guard n > 0 else { return endOfOutput(child) }
        let lines: [Data]
        do {
            lines = try framer.withLock { try $0.append(UnsafeRawBufferPointer(rebasing: scratch[0..<n])) }
        } catch {
            loop.unwatchNow(child.stdoutFD)
            return deliverClose(TransportError(.protocolViolation, server: server, "\(error)"))
        }
        guard let onMessage = handlers.withLock({ $0?.onMessage }) else { return }
        for line in lines { onMessage(line) }
    }

    /// The server closed its stdout: it died, or we closed it.
    private func endOfOutput(_ child: ChildProcess) {
        loop.unwatchNow(child.stdoutFD)
        if let rest = framer.withLock({ $0.finish() }), let onMessage = handlers.withLock({ $0?.onMessage }) { onMessage(rest) }
        let closedByUs = state.withLock { state in
            if case .closed = state { return true }
            return false
        }
        if closedByUs { return deliverClose(nil) }
        // Give the dying server a moment to be reaped, off the loop, so the error has its status.
        Task.detached { [self] in
            _ = await child.waitForExit(timeout: .seconds(1))
            deliverClose(TransportError(.processExited(status: child.poll()), server: server, exitDescription(child)))
        }
    }

    /// Tells the client once that the connection ended.
    private func deliverClose(_ error: TransportError?) {
        guard let onClose = handlers.withLock({ handlers -> (@Sendable (TransportError?) -> Void)? in
            defer { handlers = nil }
            return handlers?.onClose
        }) else { return }
        onClose(error)
    }

    private static func setNonBlocking(_ fd: Int32) {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
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
