import Foundation
import JSONRPC
import MCP
import MCPGateway
import Locking
import Testing
@testable import GatewayServer

/// The `/mcp` session parts as values: the table's bounds, a session's calls, streams and
/// relayed requests — no server, no port.
@Suite("Gateway /mcp: sessions")
struct MCPSessionTests {
    static func state(key: String? = nil) -> MCPSessionState {
        MCPSessionState(protocolVersion: "2025-11-25", clientName: "t", clientVersion: "1", capabilities: [], keyName: key)
    }

    @Test func theTableIsBoundedAndKeyedAndExpiresIdleSessions() throws {
        let table = MCPSessionTable(capacity: 2, idleLimit: .seconds(60))
        let start = ContinuousClock.now
        let first = try #require(table.open(Self.state(key: "a"), now: start))
        let second = try #require(table.open(Self.state(), now: start + .seconds(1)))
        #expect(first.id.count == 32 && first.id != second.id && first.id.allSatisfy(\.isHexDigit))
        #expect(table.session(first.id, keyName: "a", now: start + .seconds(2)) === first)
        #expect(table.session(first.id, keyName: nil, now: start + .seconds(2)) == nil, "another key's session is not found")
        #expect(table.session(first.id, keyName: "b", now: start + .seconds(2)) == nil)
        // Full: the idle session used least recently (second, at 1 s) makes room.
        let third = try #require(table.open(Self.state(), now: start + .seconds(3)))
        #expect(table.count == 2 && table.session(second.id, keyName: nil, now: start + .seconds(3)) == nil)
        // Full of sessions in use (a GET stream open on each): nothing is evicted, the open is refused.
        let streams = [first.openStream(), third.openStream()]
        #expect(table.open(Self.state(), now: start + .seconds(4)) == nil)
        // Idle past the limit: gone at the next lookup; an open GET stream keeps a session alive.
        streams[0].cancel()
        #expect(table.session(first.id, keyName: "a", now: start + .seconds(200)) == nil)
        #expect(table.session(third.id, keyName: nil, now: start + .seconds(200)) === third)
        #expect(table.close(third.id) && !table.close(third.id))
        // Stopping: every session ends and none opens.
        table.closeAll()
        #expect(table.count == 0 && table.open(Self.state()) == nil)
        streams[1].cancel()
    }

    @Test func logLevelsAreOrderedAsRFC5424() {
        #expect(MCPLogLevel.rank("debug") < MCPLogLevel.rank("info") && MCPLogLevel.rank("warning") < MCPLogLevel.rank("emergency"))
        #expect(MCPLogLevel.rank("made-up") == MCPLogLevel.rank("info"))
    }

    @Test func capabilitiesAreReadFromInitialize() {
        let declared = DownstreamCapabilities(["elicitation": .object([:]), "roots": .object(["listChanged": .bool(true)])])
        #expect(declared == [.elicitation, .roots])
        #expect(DownstreamCapabilities(nil).isEmpty)
        #expect(DownstreamCapabilities(["elicitation": .object(["url": .object([:])])]) == [.elicitationURL], "URL mode alone")
        #expect(DownstreamCapabilities(["elicitation": .object(["form": .object([:]), "url": .object([:])])]) == [.elicitation, .elicitationURL])
        #expect(DownstreamCapabilities.needed(by: "elicitation/create", params: .object(["mode": .string("url")])) == .elicitationURL)
        #expect(DownstreamCapabilities.needed(by: "elicitation/create", params: .object(["message": .string("?")])) == .elicitation)
        #expect(DownstreamCapabilities.needed(by: "sampling/createMessage") == .sampling)
        #expect(DownstreamCapabilities.needed(by: "ping") == nil)
        let state = MCPSessionState(protocolVersion: "2025-06-18", clientName: "c", clientVersion: "2", capabilities: declared, keyName: "k", issuedAt: Date(timeIntervalSince1970: 0))
        let decoded = try? JSONDecoder().decode(MCPSessionState.self, from: JSONEncoder().encode(state))
        #expect(decoded == state, "the state round-trips, as a sealed session id will need")
    }

    @Test func aRequestCanBeCancelledEvenBeforeItArrivesAndIdsAreNotReusedWhileRunning() async {
        let session = MCPSession(id: "s", state: Self.state())
        let started = AsyncStream.makeStream(of: Void.self)
        let call = Task {
            await session.run(.int(7)) {
                started.continuation.yield()
                try? await Task.sleep(for: .seconds(30))
                return Data("late".utf8)
            }
        }
        for await _ in started.stream { break }
        let ran = Locked(false)
        guard case .duplicate = await session.run(.int(7), { ran.withLock { $0 = true }; return Data() }) else {
            Issue.record("a second request with a running id is refused")
            return
        }
        #expect(!ran.withLock { $0 }, "and never runs")
        session.cancel(.int(7))
        guard case .cancelled = await call.value else { Issue.record("a cancelled request gets no response"); return }
        #expect(session.runningCount == 0)
        // The cancellation came first (another connection): the request is refused when it comes.
        session.cancel(.int(8))
        guard case .cancelled = await session.run(.int(8), { ran.withLock { $0 = true }; return Data() }) else {
            Issue.record("cancelled before it arrived")
            return
        }
        #expect(!ran.withLock { $0 })
        session.close()
        guard case .closed = await session.run(.int(9), { Data() }) else { Issue.record("a closed session runs nothing"); return }
    }

    @Test func pushesTakeTheNewestStreamAndRelayedRequestsWaitForTheirAnswer() async throws {
        let session = MCPSession(id: "s", state: Self.state())
        #expect(!session.push(Data("x".utf8)), "no stream: dropped")
        let old = session.openStream(), new = session.openStream()
        #expect(session.push(Data("event".utf8)))
        var iterator = new.chunks.makeAsyncIterator()
        #expect(await iterator.next() == Data("event".utf8))
        old.cancel()
        let waiting = Task {
            try await session.awaitAnswer(.string("lmg-1")) { true }
        }
        try await Task.sleep(for: .milliseconds(20))
        let reply = try JSONRPCMessage(Data(#"{"jsonrpc":"2.0","id":"lmg-1","result":{"action":"accept"}}"#.utf8))
        #expect(session.answer(reply, id: .string("lmg-1")))
        #expect(try await waiting.value.kind == .response(id: .string("lmg-1")))
        #expect(!session.answer(reply, id: .string("lmg-1")), "answered once")
        let abandoned = Task { try await session.awaitAnswer(.string("lmg-2")) { true } }
        try await Task.sleep(for: .milliseconds(20))
        session.close()
        await #expect(throws: CancellationError.self) { try await abandoned.value }
        #expect(!session.touch(), "closed")
        new.cancel()
    }
}
