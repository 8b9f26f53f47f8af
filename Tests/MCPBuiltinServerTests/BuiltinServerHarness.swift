import Foundation
import JSONRPC
import MCP
@testable import MCPBuiltinServer

/// A built-in server over a fresh temporary root, driven message by message without a transport.
///
/// The root holds a few files tests expect (`notes.txt`, `sub/inner.md`, `bin.dat`), and a
/// sibling directory outside it (`outside/secret.txt`) for escape attempts.
struct BuiltinServerHarness {
    /// The canonical root path (temp dirs may sit behind a symlink, e.g. on macOS).
    let root: String
    /// A directory next to the root, never readable through the server.
    let outside: String
    let server: BuiltinMCPServer
    private let base: String

    init(extraTools: [ToolEntry] = [], readLimit: Int = 256 << 10) throws {
        let base = FileManager.default.temporaryDirectory
            .appendingPathComponent("builtin-server-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: base + "/root/sub", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: base + "/outside", withIntermediateDirectories: true)
        self.base = FileRoot.realPath(base)!
        root = self.base + "/root"
        outside = self.base + "/outside"
        var configuration = try BuiltinServerConfiguration(root: root, version: "9.9.9-test", defaultReadLimit: readLimit)
        configuration.extraTools = extraTools
        server = BuiltinMCPServer(configuration: configuration)
        try write("notes.txt", "hello from notes\n")
        try write("sub/inner.md", "# Inner\n")
        try Data([0x68, 0x69, 0x00, 0x01, 0xFF]).write(to: URL(fileURLWithPath: root + "/bin.dat"))
        try "top secret".write(toFile: outside + "/secret.txt", atomically: true, encoding: .utf8)
    }

    /// Deletes the temporary directories.
    func remove() {
        try? FileManager.default.removeItem(atPath: base)
    }

    func write(_ relative: String, _ contents: String) throws {
        try contents.write(toFile: root + "/" + relative, atomically: true, encoding: .utf8)
    }

    func symlink(_ relative: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: root + "/" + relative, withDestinationPath: target)
    }

    /// Sends a request and returns the classified response.
    func send(_ method: String, _ params: Value? = nil, id: JSONRPCID = .int(1)) async throws -> JSONRPCMessage {
        let data = try JSONRPCCoding.request(id: id, method: method, params: params)
        guard let response = await server.handle(data) else { throw HarnessError("no response to \(method)") }
        return try JSONRPCMessage(response)
    }

    /// The typed result of a request that must succeed.
    func result<R: Decodable>(_ method: String, _ params: Value? = nil, as type: R.Type = R.self) async throws -> R {
        let message = try await send(method, params)
        if case .errorResponse(_, let error) = message.kind { throw HarnessError("\(method) failed: \(error)") }
        return try message.result(as: R.self)
    }

    /// The error of a request that must fail.
    func error(_ method: String, _ params: Value? = nil) async throws -> JSONRPCErrorObject {
        let message = try await send(method, params)
        guard case .errorResponse(_, let error) = message.kind else {
            throw HarnessError("\(method) succeeded: \(String(decoding: message.raw, as: UTF8.self))")
        }
        return error
    }

    func call(_ tool: String, _ arguments: [String: Value] = [:]) async throws -> CallTool.Result {
        try await result("tools/call", ["name": .string(tool), "arguments": .object(arguments)])
    }

    /// Raw bytes in, raw bytes out (nil when the server sends nothing).
    func raw(_ text: String) async -> String? {
        await server.handle(Data(text.utf8)).map { String(decoding: $0, as: UTF8.self) }
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension CallTool.Result {
    /// The text blocks, in order.
    var texts: [String] {
        content.compactMap { if case .text(let text, _, _) = $0 { text } else { nil } }
    }

    var text: String { texts.joined(separator: "\n") }

    var failed: Bool { isError == true }
}

/// A `tools/call`-able tool that waits until cancelled (or 30 s), announcing when it starts.
struct SlowTool {
    struct NoArguments: Decodable, Sendable {}

    let started: AsyncStream<Void>
    let entry: ToolEntry

    init(name: String = "slow", seconds: Double = 30) {
        let (stream, continuation) = AsyncStream<Void>.makeStream()
        started = stream
        entry = ToolEntry.task(
            Tool(name: name, description: "test only: sleeps", inputSchema: ["type": "object"]), NoArguments.self
        ) { _ in
            continuation.yield()
            do {
                try await Task.sleep(for: .seconds(seconds))
            } catch {
                return .failure("cancelled")
            }
            return .text("slept")
        }
    }

    /// Returns once the tool has been entered `count` times.
    func waitUntilStarted(_ count: Int = 1) async {
        var seen = 0
        for await _ in started {
            seen += 1
            if seen == count { return }
        }
    }
}
