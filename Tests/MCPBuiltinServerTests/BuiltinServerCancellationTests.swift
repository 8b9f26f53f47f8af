import Foundation
import JSONRPC
import MCP
import Testing
@testable import MCPBuiltinServer

/// Requests run concurrently, and `notifications/cancelled` stops one with no response.
@Suite("BuiltinServer: cancellation", .timeLimit(.minutes(1)))
struct BuiltinServerCancellationTests {
    static func call(_ id: String, tool: String = "slow") -> Data {
        Data(#"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"\#(tool)"}}"#.utf8)
    }

    static func cancel(_ id: String) -> Data {
        Data(#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":\#(id),"reason":"test"}}"#.utf8)
    }

    @Test func aCancelledCallGetsNoResponseAndDoesNotBlockOthers() async throws {
        let slow = SlowTool()
        let harness = try BuiltinServerHarness(extraTools: [slow.entry])
        defer { harness.remove() }
        let server = harness.server
        async let response = server.handle(Self.call("7"))
        await slow.waitUntilStarted()
        #expect(server.inFlightCount == 1)

        let ping = try #require(await server.handle(Data(#"{"jsonrpc":"2.0","id":8,"method":"ping"}"#.utf8)))
        #expect(try JSONRPCMessage(ping).kind == .response(id: .int(8)))
        let echo = try await harness.call("echo", ["text": "still here"])
        #expect(echo.texts == ["still here"])

        #expect(await server.handle(Self.cancel("7")) == nil)
        #expect(await response == nil)
        // The reply goes out before the task unregisters itself; drain waits for that step.
        await server.drain()
        #expect(server.inFlightCount == 0)
    }

    @Test func cancellationMatchesStringIDs() async throws {
        let slow = SlowTool()
        let harness = try BuiltinServerHarness(extraTools: [slow.entry])
        defer { harness.remove() }
        async let response = harness.server.handle(Self.call(#""job-1""#))
        await slow.waitUntilStarted()
        // A different id, then an int that looks alike: neither cancels "job-1".
        _ = await harness.server.handle(Self.cancel(#""job-2""#))
        _ = await harness.server.handle(Self.cancel("1"))
        #expect(harness.server.inFlightCount == 1)
        _ = await harness.server.handle(Self.cancel(#""job-1""#))
        #expect(await response == nil)
    }

    @Test func cancellingFinishedOrUnknownRequestsIsHarmless() async throws {
        let harness = try BuiltinServerHarness()
        defer { harness.remove() }
        _ = try await harness.call("echo", ["text": "done"])
        #expect(await harness.server.handle(Self.cancel("1")) == nil)
        #expect(await harness.server.handle(Self.cancel("12345")) == nil)
        #expect(await harness.raw(#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{}}"#) == nil)
        let after = try await harness.call("echo", ["text": "again"])
        #expect(after.texts == ["again"])
    }

    @Test func drainWaitsForRunningCalls() async throws {
        let slow = SlowTool(seconds: 0.2)
        let harness = try BuiltinServerHarness(extraTools: [slow.entry])
        defer { harness.remove() }
        let replies = Replies()
        for id in 1...3 { harness.server.handle(Self.call(String(id))) { replies.add($0) } }
        #expect(harness.server.inFlightCount == 3)
        await harness.server.drain()
        #expect(harness.server.inFlightCount == 0)
        let texts = try replies.all.map { try JSONRPCMessage(#require($0)).result(as: CallTool.Result.self).texts }
        #expect(texts == [["slept"], ["slept"], ["slept"]])
    }

    @Test func cancelAllDropsEveryResponse() async throws {
        let slow = SlowTool()
        let harness = try BuiltinServerHarness(extraTools: [slow.entry])
        defer { harness.remove() }
        let replies = Replies()
        for id in 1...2 { harness.server.handle(Self.call(String(id))) { replies.add($0) } }
        await slow.waitUntilStarted(2)
        harness.server.cancelAll()
        await harness.server.drain()
        #expect(replies.all.count == 2)
        #expect(replies.all.allSatisfy { $0 == nil })
    }
}

/// Collects replies handed to the callback form of `handle`.
final class Replies: @unchecked Sendable {
    private let lock = NSLock()
    private var replies: [Data?] = []

    func add(_ reply: Data?) { lock.withLock { replies.append(reply) } }
    var all: [Data?] { lock.withLock { replies } }
}
