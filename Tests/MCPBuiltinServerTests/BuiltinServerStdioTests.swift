import Foundation
import JSONRPC
import MCP
import Testing
@testable import MCPBuiltinServer

/// The stdio transport on real pipes, in-process: framing, concurrency, cancellation, EOF.
@Suite("BuiltinServer: stdio", .timeLimit(.minutes(1)))
struct BuiltinServerStdioTests {
    static let initialize = #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#

    static func echo(_ id: Int, _ text: String) -> String {
        #"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"echo","arguments":{"text":"\#(text)"}}}"#
    }

    @Test func answersPipelinedRequestsThenExitsAtEndOfInput() async throws {
        let harness = try BuiltinServerHarness()
        defer { harness.remove() }
        let peer = try StdioPeer()
        let running = peer.serve(harness.server)
        var batch = Self.initialize + "\n"
        for id in 1...500 { batch += Self.echo(id, "message \(id)") + "\r\n" }
        peer.send(batch + Self.echo(501, "no final newline"), newline: false)
        peer.closeInput()
        try await running.value
        let lines = await peer.finish()
        #expect(lines.count == 502)
        var seen = Set<Int>()
        for line in lines {
            let message = try JSONRPCMessage(Data(line.utf8))
            guard case .response(.int(let id)) = message.kind else { Issue.record("unexpected \(line)"); continue }
            seen.insert(id)
            if id > 0 && id <= 500 {
                #expect(try message.result(as: CallTool.Result.self).texts == ["message \(id)"])
            }
        }
        #expect(seen == Set(0...501))
    }

    @Test func aSlowCallDoesNotHoldUpPingAndCancelledCallsStaySilent() async throws {
        let slow = SlowTool()
        let harness = try BuiltinServerHarness(extraTools: [slow.entry])
        defer { harness.remove() }
        let peer = try StdioPeer()
        let running = peer.serve(harness.server)
        peer.send(#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"slow"}}"#)
        await slow.waitUntilStarted()
        peer.send(#"{"jsonrpc":"2.0","id":2,"method":"ping"}"#)
        #expect(try await peer.nextID() == .int(2))
        peer.send(#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}}"#)
        peer.send(#"{"jsonrpc":"2.0","id":3,"method":"ping"}"#)
        #expect(try await peer.nextID() == .int(3))
        peer.closeInput()
        try await running.value
        #expect(await peer.finish().isEmpty, "the cancelled call must not be answered")
    }

    @Test func endOfInputWaitsForRunningCalls() async throws {
        let slow = SlowTool(seconds: 0.3)
        let harness = try BuiltinServerHarness(extraTools: [slow.entry])
        defer { harness.remove() }
        let peer = try StdioPeer()
        let running = peer.serve(harness.server)
        peer.send(#"{"jsonrpc":"2.0","id":"late","method":"tools/call","params":{"name":"slow"}}"#)
        peer.closeInput()
        try await running.value
        let lines = await peer.finish()
        #expect(lines.count == 1)
        let message = try JSONRPCMessage(Data(try #require(lines.first).utf8))
        #expect(message.kind == .response(id: .string("late")))
        #expect(try message.result(as: CallTool.Result.self).texts == ["slept"])
    }

    @Test func garbageLinesGetErrorsAndTheServerGoesOn() async throws {
        let harness = try BuiltinServerHarness()
        defer { harness.remove() }
        let peer = try StdioPeer()
        let running = peer.serve(harness.server)
        peer.send("this is not json")
        peer.send("\n\n")
        peer.send(Self.echo(9, "after garbage"))
        peer.closeInput()
        try await running.value
        let lines = await peer.finish()
        #expect(lines.count == 2)
        #expect(lines.first?.contains("-32700") == true)
        #expect(lines.last?.contains("after garbage") == true)
    }
}

/// The client side of two pipes wired to an in-process `StdioServer`.
final class StdioPeer: @unchecked Sendable {
    /// Ends the server reads and writes.
    let serverInput: Int32
    let serverOutput: Int32
    private let toServer: Int32
    private let fromServer: Int32
    private let lines: AsyncStream<String>
    private var iterator: AsyncStream<String>.AsyncIterator

    init() throws {
        var input: [Int32] = [0, 0]
        var output: [Int32] = [0, 0]
        guard pipe(&input) == 0, pipe(&output) == 0 else { throw HarnessError("pipe failed") }
        (serverInput, toServer) = (input[0], input[1])
        (fromServer, serverOutput) = (output[0], output[1])
        let (stream, continuation) = AsyncStream<String>.makeStream()
        lines = stream
        iterator = stream.makeAsyncIterator()
        let fd = fromServer
        let reader = Thread {
            var framer = LineFramer()
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n <= 0 { break }
                let framed = (try? buffer.withUnsafeBytes { try framer.append(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }) ?? []
                for line in framed { continuation.yield(String(decoding: line, as: UTF8.self)) }
            }
            continuation.finish()
        }
        reader.start()
    }

    /// Runs the stdio transport for `server` on these pipes.
    func serve(_ server: BuiltinMCPServer) -> Task<Void, any Error> {
        let stdio = StdioServer(server: server, input: serverInput, output: serverOutput)
        return Task { try await stdio.run() }
    }

    func send(_ text: String, newline: Bool = true) {
        let bytes = Array((newline ? text + "\n" : text).utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(toServer, $0.baseAddress! + offset, bytes.count - offset) }
            if n <= 0 { return }
            offset += n
        }
    }

    /// The id of the next response.
    func nextID() async throws -> JSONRPCID? {
        guard let line = await iterator.next() else { return nil }
        switch try JSONRPCMessage(Data(line.utf8)).kind {
        case .response(let id): return id
        case .errorResponse(let id, _): return id
        default: return nil
        }
    }

    /// End of the server's input, as when a client closes its stdin.
    func closeInput() {
        close(toServer)
    }

    /// Closes the server's output (after `run()` returned) and returns every line not yet read.
    func finish() async -> [String] {
        close(serverOutput)
        var rest: [String] = []
        while let line = await iterator.next() { rest.append(line) }
        close(serverInput)
        close(fromServer)
        return rest
    }
}
