import Foundation
import JSONRPC
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The stdio transport: newline-delimited JSON-RPC on two file descriptors.
///
/// A dedicated thread blocks in `read(2)` (no polling interval), frames lines and hands each
/// to the session on that same thread, so a cheap request is read, answered and written with
/// no thread hop. Tool calls that need a task reply from the task; writes are serialized.
public struct StdioServer: Sendable {
    /// The one session this transport serves.
    public let server: BuiltinMCPServer
    /// Read until end of file; never closed by the transport.
    public let input: Int32
    /// Gets only protocol messages, one per line; never closed by the transport.
    public let output: Int32

    /// Serves `server` on `input`/`output` (stdin/stdout unless a test passes pipes).
    public init(server: BuiltinMCPServer, input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO) {
        self.server = server
        self.input = input
        self.output = output
    }

    /// Serves until end of input, then waits for running requests to reply, then returns.
    ///
    /// Ignores SIGPIPE for the process, so a client that goes away ends writes, not the process.
    public func run() async throws(StdioServerError) {
        signal(SIGPIPE, SIG_IGN)
        let writer = LineWriter(fd: output)
        let (server, input) = (self.server, self.input)
        let failure: StdioServerError? = await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: Self.readLoop(server: server, input: input, writer: writer))
            }
            thread.name = "lmg mcp-server stdin"
            // The reader runs the calculator's recursive descent; give it room.
            thread.stackSize = 8 << 20
            thread.start()
        }
        await server.drain()
        if let failure { throw failure }
    }

    /// Reads until EOF; returns why it stopped early, or nil at a clean end of input.
    static func readLoop(server: BuiltinMCPServer, input: Int32, writer: LineWriter) -> StdioServerError? {
        var framer = LineFramer()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 1)
        defer { buffer.deallocate() }
        let reply: @Sendable (Data?) -> Void = { response in
            if let response { writer.write(response) }
        }
        while true {
            let n = read(input, buffer.baseAddress, buffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                return .readFailed(reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            let lines: [Data]
            do {
                lines = try framer.append(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            } catch {
                return .lineTooLong(limit: framer.maxLineLength)
            }
            for line in lines { server.handle(line, reply: reply) }
        }
        if let last = framer.finish() { server.handle(last, reply: reply) }
        return nil
    }
}

/// Why the stdio transport stopped before a clean end of input.
public enum StdioServerError: Error, Equatable, CustomStringConvertible {
    /// The client sent more than `limit` bytes without a newline: not a framing we can recover.
    case lineTooLong(limit: Int)
    /// `read(2)` failed with something other than EINTR; `reason` is its message.
    case readFailed(reason: String)

    /// One line for the terminal.
    public var description: String {
        switch self {
        case .lineTooLong(let limit): "a message on stdin exceeded \(limit) bytes without a newline"
        case .readFailed(let reason): "reading stdin failed: \(reason)"
        }
    }
}
