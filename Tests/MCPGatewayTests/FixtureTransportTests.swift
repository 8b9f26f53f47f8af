import Foundation
import JSONRPC
import MCP
import MCPGateway
import TestSupport
import Locking
import Testing

/// The official Python SDK's server (Tests/Fixtures/mcp_fixture.py) in every transport mode, end to end.
@Suite("fixture: every transport", .serialized)
struct FixtureTransportTests {
    enum Mode: String, CaseIterable, Sendable {
        case stdio, sseAnswers, jsonAnswers, stateless, legacySSE
    }

    /// A connected client and whatever it took to serve it; `stop` ends both.
    struct Peer: Sendable {
        let client: MCPClient
        let server: FixtureProcess?

        func stop() async {
            await client.close()
            server?.stop()
        }
    }

    static let paging = ["--many-tools", "25", "--page-size", "10"]

    /// `revision`: the entry's `protocol_version` (nil: auto, which finds 2026-07-28 on every
    /// transport but legacy SSE).
    static func connect(_ mode: Mode, extra: [String] = [], revision: String? = nil, answering: ServerInputs = []) async throws -> Peer {
        let script = Repo.fixture("mcp_fixture.py")
        var server: FixtureProcess?
        let config: MCPServerConfig
        switch mode {
        case .stdio:
            // Generous: the Python peer starts while every other suite starts its own.
            var stdio = MCPServerConfig.stdio("fx", command: Repo.python, args: [script] + paging + extra)
            stdio.timeout = .seconds(120)
            config = stdio
        case .sseAnswers, .jsonAnswers, .stateless:
            let flags = mode == .jsonAnswers ? ["--json-response"] : mode == .stateless ? ["--stateless"] : []
            let process = try await FixtureProcess.python("mcp_fixture.py", ["--transport", "streamable-http", "--port", "0"] + flags + paging + extra)
            server = process
            config = .http("fx", url: process.url("/mcp"))
        case .legacySSE:
            let process = try await FixtureProcess.python("mcp_fixture.py", ["--transport", "sse", "--port", "0"] + paging + extra)
            server = process
            var sse = MCPServerConfig.http("fx", url: process.url("/sse"))
            sse.transport = .sse
            config = sse
        }
        var entry = config
        if let revision { entry.protocolPreference = .only(revision) }
        var options = TestOptions.client()
        options.answeredInputs = answering
        let client = MCPClient(config: entry, options: options)
        do {
            try await client.connect()
        } catch {
            server?.stop()
            throw error
        }
        return Peer(client: client, server: server)
    }

    static func text(_ result: CallTool.Result) -> String {
        result.content.compactMap { if case .text(let text, _, _) = $0 { text } else { nil } }.joined()
    }

    @Test(arguments: Mode.allCases)
    func endToEnd(_ mode: Mode) async throws {
        let peer = try await Self.connect(mode)
        try await withPeer(peer, stop: { await $0.stop() }) { (peer) async throws -> Void in
            let client = peer.client
            let tools = try await client.listTools()
            let names = Set(tools.map(\.name))
            #expect(names.isSuperset(of: ["echo", "add", "image", "extra_000", "extra_024"]), "\(names.sorted())")
            #expect(tools.count == names.count, "a page came twice")

            let echo = try await client.callTool("echo", arguments: ["text": .string("hello fixture")])
            #expect(echo.isError != true)
            #expect(Self.text(echo).contains("hello fixture"))

            let failed = try await client.callTool("fail", arguments: ["message": .string("nope")])
            #expect(failed.isError == true)
            #expect(Self.text(failed).contains("nope"))

            let image = try await client.callTool("image")
            #expect(image.content.contains { if case .image = $0 { true } else { false } }, "\(image.content)")
            let audio = try await client.callTool("audio")
            #expect(audio.content.contains { if case .audio = $0 { true } else { false } }, "\(audio.content)")
            let embedded = try await client.callTool("embedded_resource")
            #expect(embedded.content.contains { if case .resource = $0 { true } else { false } }, "\(embedded.content)")

            let resources = try await client.listResources()
            #expect(resources.contains { $0.uri == "fixture://greeting" })
            let greeting = try await client.readResource("fixture://greeting")
            #expect(!greeting.contents.isEmpty)

            let prompts = try await client.listPrompts()
            #expect(prompts.contains { $0.name == "review_code" })
            let prompt = try await client.getPrompt("review_code", arguments: ["code": "print(1)"])
            #expect(prompt.messages.count == 2)
            _ = try await client.ping()
            #expect(client.era == (mode == .legacySSE ? .legacy : .modern))
            #expect(client.protocolVersion == (mode == .legacySSE ? "2025-11-25" : "2026-07-28"))
        }
    }

    @Test(arguments: [Mode.stdio, .sseAnswers])
    func progressReachesTheCaller(_ mode: Mode) async throws {
        let peer = try await Self.connect(mode)
        let seen = Counter()
        try await withPeer(peer, stop: { await $0.stop() }) { (peer) async throws -> Void in
            let result = try await peer.client.callTool(
                "progress", arguments: ["steps": .int(3), "delay": .double(0.01)],
                onProgress: { _ in seen.add() })
            #expect(result.isError != true)
            #expect(seen.value == 3)
        }
    }

    /// How the server learns of a timeout: `notifications/cancelled` on stdio and in the older
    /// revisions; over 2026-07-28 HTTP the request's stream is closed, and the SDK's server stops
    /// the tool when that stream was an event stream (a JSON answer has nothing to close early).
    @Test(arguments: [(Mode.stdio, String?.none, "cancelled"), (.sseAnswers, String?.none, "slow-interrupted"), (.sseAnswers, "2025-11-25", "cancelled"), (.jsonAnswers, "2025-11-25", "cancelled")])
    func timeoutTellsTheServer(_ mode: Mode, _ revision: String?, _ seen: String) async throws {
        let record = NSTemporaryDirectory() + "fixture-record-\(UUID().uuidString)"
        let peer = try await Self.connect(mode, extra: ["--record", record], revision: revision)
        try await withPeer(peer, stop: { await $0.stop() }) { (peer) async throws -> Void in
            let error = await #expect(throws: MCPClientError.self) {
                _ = try await peer.client.callTool("slow", arguments: ["seconds": .double(5)], timeout: .milliseconds(300))
            }
            #expect(error?.kind == .timedOut(.milliseconds(300)))
            #expect("\(error!)".contains("fx"))
            #expect(try await Self.waitFor(seen, in: record), "record: \((try? String(contentsOfFile: record, encoding: .utf8)) ?? "")")
            if revision == nil && mode != .stdio {
                let text = (try? String(contentsOfFile: record, encoding: .utf8)) ?? ""
                #expect(!text.contains("cancelled "), "2026-07-28 HTTP sends no notifications/cancelled: \(text)")
            }
        }
    }

    @Test func cancellationTellsTheServer() async throws {
        let record = NSTemporaryDirectory() + "fixture-record-\(UUID().uuidString)"
        let peer = try await Self.connect(.stdio, extra: ["--record", record])
        let client = peer.client
        let call = Task { try await client.callTool("slow", arguments: ["seconds": .double(5)]) }
        #expect(try await Self.waitFor("tool slow", in: record))
        call.cancel()
        let outcome = await call.result
        #expect(throws: MCPClientError.self) { try outcome.get() }
        #expect(try await Self.waitFor("cancelled", in: record))
        await peer.stop()
    }

    @Test func closeLeavesNoChild() async throws {
        let peer = try await Self.connect(.stdio)
        let pid = try #require(peer.client.processID)
        await peer.stop()
        #expect(kill(pid, 0) == -1 && errno == ESRCH)
    }

    @Test func listChangedRefreshesTheCache() async throws {
        let peer = try await Self.connect(.stdio)
        let client = peer.client
        _ = try await client.listTools()
        _ = try await client.callTool("add_tool", arguments: ["name": .string("brand_new")])
        var found = false
        for _ in 0..<100 where !found {
            found = client.cachedTools?.contains { $0.name == "brand_new" } ?? false
            if !found { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(found)
        await peer.stop()
    }

    /// The roots reach a server both ways: as the answer to its own `roots/list` request (up to
    /// 2025-11-25), and inside the retry of an `input_required` call (2026-07-28).
    @Test(arguments: [(Mode.stdio, String?.some("2025-11-25"), "ask_roots"), (.stdio, String?.none, "need_roots"), (.sseAnswers, String?.none, "need_roots"), (.sseAnswers, "2025-11-25", "need_roots")])
    func rootsListIsAnswered(_ mode: Mode, _ revision: String?, _ tool: String) async throws {
        let peer = try await Self.connect(mode, revision: revision)
        try await withPeer(peer, stop: { await $0.stop() }) { (peer) async throws -> Void in
            let result = try await peer.client.callTool(tool)
            let roots = try JSONSerialization.jsonObject(with: Data(Self.text(result).utf8)) as? [[String: Any]]
            #expect(roots?.first?["name"] as? String == "working directory", "\(Self.text(result))")
        }
    }

    /// A request lmg never declared (elicitation, when nothing relays it) fails the call with
    /// the server's reason instead of reaching anyone.
    @Test func anUndeclaredInputRequestFailsTheCall() async throws {
        let peer = try await Self.connect(.stdio)
        try await withPeer(peer, stop: { await $0.stop() }) { (peer) async throws -> Void in
            let error = await #expect(throws: MCPClientError.self) { _ = try await peer.client.callTool("need_elicitation") }
            #expect(error?.kind == .server(code: JSONRPCErrorObject.missingClientCapability), "\(String(describing: error))")
            #expect(error?.message.contains("elicitation") == true)
        }
    }

    /// Over 2026-07-28 HTTP an `x-mcp-header` parameter goes as `Mcp-Param-*`; when the tool's
    /// schema changed behind lmg's back the server says -32020, and lmg lists again and retries.
    @Test func headerParametersAreSentAndAStaleOneIsRetried() async throws {
        let peer = try await Self.connect(.sseAnswers)
        try await withPeer(peer, stop: { await $0.stop() }) { (peer) async throws -> Void in
            let client = peer.client
            _ = try await client.listTools()
            let first = try await client.callTool("routed", arguments: ["region": .string("eu-west 1"), "text": .string("a")])
            #expect(Self.text(first) == "eu-west 1: a", "\(first)")
            _ = try await client.callTool("rename_header")
            let second = try await client.callTool("routed", arguments: ["region": .string("Zürich"), "text": .string("b")])
            #expect(Self.text(second) == "Zürich (zone): b", "\(second)")
            let schema = client.cachedTools?.first { $0.name == "routed" }?.inputSchema
            #expect("\(String(describing: schema))".contains("Zone"), "listed again after -32020")
        }
    }

    /// Renames the fixture's header parameters while the person answers, as a server updated
    /// mid-call would: the retry lmg sends after -32020 carries the answer already given.
    final class RenamingPerson: ServerRequestRelay {
        let client: MCPClient
        let asked = Locked(0)
        init(client: MCPClient) { self.client = client }

        func relay(method: String, params: Value?, server: String) async throws(JSONRPCErrorObject) -> Value? {
            guard method == "elicitation/create" else { return nil }
            asked.withLock { $0 += 1 }
            _ = try? await ServerRequestRelays.$current.withValue(nil) { try await client.callTool("rename_header") }
            return ["action": "accept", "content": ["name": "Ada"]]
        }
    }

    @Test func aHeaderMismatchAfterAnAnswerSendsTheAnswerAgainNotTheQuestion() async throws {
        let peer = try await Self.connect(.sseAnswers, answering: .elicitation)
        try await withPeer(peer, stop: { await $0.stop() }) { (peer) async throws -> Void in
            let client = peer.client
            _ = try await client.listTools()
            let person = RenamingPerson(client: client)
            let result = try await ServerRequestRelays.$current.withValue(person) {
                try await client.callTool("routed_ask", arguments: ["region": .string("eu"), "question": .string("Who?")])
            }
            #expect(Self.text(result) == "eu (zone): Ada", "\(result)")
            #expect(person.asked.withLock { $0 } == 1, "the person is asked once")
        }
    }

    /// Answers a form slowly: the server's sealed state expires meanwhile.
    final class SlowPerson: ServerRequestRelay {
        let asked = Locked(0)
        func relay(method: String, params: Value?, server: String) async throws(JSONRPCErrorObject) -> Value? {
            guard method == "elicitation/create" else { return nil }
            let count = asked.withLock { $0 += 1; return $0 }
            if count == 1 { try? await Task.sleep(for: .milliseconds(1500)) }
            return ["action": "accept", "content": ["name": "Ada"]]
        }
    }

    /// A `requestState` that expired while the person answered: the server refuses the retry
    /// ("Invalid or expired requestState"), and lmg starts the call over once.
    @Test func anExpiredRequestStateStartsTheCallOver() async throws {
        let peer = try await Self.connect(.stdio, extra: ["--state-ttl", "0.5"], answering: .elicitation)
        try await withPeer(peer, stop: { await $0.stop() }) { (peer) async throws -> Void in
            let person = SlowPerson()
            let result = try await ServerRequestRelays.$current.withValue(person) { try await peer.client.callTool("need_elicitation") }
            #expect(Self.text(result) == "elicited: Ada", "\(result)")
            #expect(person.asked.withLock { $0 } == 2, "asked again after the restart")
        }
    }

    /// A server slower to start than the probe's wait still answers it first, and so speaks
    /// 2026-07-28 from then on: the `initialize` lmg sent next is refused with -32022, and
    /// one more probe finds the server modern.
    @Test func aProbeThatTimedOutOnASlowStartStillEndsModern() async throws {
        var config = MCPServerConfig.stdio("fx", command: Repo.python, args: [Repo.fixture("mcp_fixture.py"), "--start-delay", "4.5"])
        // The probe waits half of this; the server reads its first line after about 5.5 s.
        config.timeout = .seconds(8)
        let client = MCPClient(config: config, options: TestOptions.client())
        try await withPeer(client, stop: { await $0.close() }) { client in
            try await client.connect()
            #expect(client.era == .modern)
            #expect(try await Self.text(client.callTool("echo", arguments: ["text": .string("late")])) == "late")
        }
    }

    /// Polls the fixture's --record file for a line starting with `prefix`, up to 5 s.
    static func waitFor(_ prefix: String, in path: String) async throws -> Bool {
        for _ in 0..<250 {
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            if text.split(separator: "\n").contains(where: { $0.hasPrefix(prefix) }) { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }
}

/// A thread-safe count, for callbacks.
final class Counter: Sendable {
    private let count = Locked(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
